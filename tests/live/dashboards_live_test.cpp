// Every panel and template variable of every shipped dashboard, asked of a real Prometheus 2.42
// that scrapes the whole live system, returns data; the panels that show an event show it once
// the event really happened.

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <fstream>
#include <functional>
#include <regex>
#include <set>

#include "common/http_client.hpp"
#include "ruler/scrape/http_client_config.hpp"
#include "tests/live/grafana_queries.hpp"
#include "tests/live/live_events.hpp"
#include "tests/live/live_stack.hpp"
#include "tests/support/eventually.hpp"

using namespace stackwatch;
using namespace stackwatch::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// The largest finite value of any series over the range, or NaN when there is none.
double largest_value(const json& matrix) {
    double largest = std::nan("");
    for (const auto& series : matrix)
        for (const auto& point : series["values"]) {
            double v = std::stod(point[1].get<std::string>());
            if (std::isfinite(v) && !(v <= largest)) largest = v;
        }
    return largest;
}

// A panel target that only shows something once an event happened: what the panel waits for
// (as dashboards/README.md lists it) and what it must then show.
struct EventPanel {
    std::string dashboard, panel;
    int index;
    std::string event;
    double at_least;
};

const std::vector<EventPanel>& event_panels() {
    static const std::vector<EventPanel> panels = {
        {"stackwatch-postgresql", "Deadlocks", 0, "a deadlock", 1},
        {"stackwatch-postgresql", "Oldest open transaction", 0, "a transaction left open", 3},
        {"stackwatch-redis", "Evicted keys and rejected connections", 0, "an eviction", 1},
        {"stackwatch-redis", "Evicted keys and rejected connections", 1, "a rejected connection",
         1},
        {"stackwatch-ruler", "Notifications failed/s", 0, "a receiver that fails", 0.001},
        {"stackwatch-ruler", "Notification latency P50 / P99", 0, "a notification delivered", 0},
        {"stackwatch-ruler", "Notification latency P50 / P99", 1, "a notification delivered", 0},
    };
    return panels;
}

const EventPanel* event_panel(const std::string& dashboard, const PanelQuery& query) {
    for (const auto& panel : event_panels())
        if (panel.dashboard == dashboard && panel.panel == query.panel &&
            panel.index == query.index)
            return &panel;
    return nullptr;
}

struct Dashboard {
    std::string name;
    json body;
};

std::vector<Dashboard> shipped_dashboards() {
    std::vector<Dashboard> out;
    for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "dashboards"))
        if (entry.path().extension() == ".json")
            out.push_back({entry.path().stem().string(), json::parse(std::ifstream(entry.path()))});
    std::sort(out.begin(), out.end(),
              [](const Dashboard& a, const Dashboard& b) { return a.name < b.name; });
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dashboards_live)

BOOST_AUTO_TEST_CASE(grafana_variables_are_substituted_as_grafana_does) {
    GrafanaTime time;
    LabelValuesQuery instance{"instance", "up", "instance", ""};
    std::map<std::string, std::string> vars = {
        {"instance", all_selected(instance, {"127.0.0.1:9187", "db[1]"})}};
    BOOST_TEST(interpolate(R"x(up{instance=~"$instance"})x", vars, time) ==
               R"x(up{instance=~"(127\\.0\\.0\\.1:9187|db\\[1\\])"})x");
    instance.all_value = ".*";
    BOOST_TEST(all_selected(instance, {"a", "b"}) == ".*");
    BOOST_TEST(interpolate("rate(x[$__rate_interval]) offset $__interval", vars, time) ==
               "rate(x[4s]) offset 1s");
    time.interval = 30s;
    BOOST_TEST(interpolate("rate(x[${__rate_interval}])", vars, time) == "rate(x[31s])");
    BOOST_TEST(interpolate("x{a=\"$unknown\"}", vars, time) == "x{a=\"$unknown\"}");
}

BOOST_AUTO_TEST_CASE(the_event_panels_are_the_ones_the_readme_lists) {
    std::ifstream file(source_dir() / "dashboards" / "README.md");
    std::string readme((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    auto dashboards = shipped_dashboards();
    for (const auto& panel : event_panels()) {
        BOOST_TEST(
            readme.find("| " + panel.panel + " | " + panel.event + " |") != std::string::npos,
            "dashboards/README.md lacks the row | " << panel.panel << " | " << panel.event << " |");
        bool exists = false;
        for (const auto& dashboard : dashboards)
            for (const auto& query : panel_queries(dashboard.body))
                exists |= dashboard.name == panel.dashboard && query.panel == panel.panel &&
                          query.index == panel.index;
        BOOST_TEST(exists, panel.dashboard << " has no panel \"" << panel.panel << "\" target "
                                           << panel.index);
    }
}

BOOST_AUTO_TEST_CASE(every_panel_and_variable_returns_data_from_a_real_prometheus) {
    LiveStack stack;
    stack.start_load();

    // Each event is made once its dashboard's other panels show data, so Prometheus has the
    // counters from before it; what an event leaves behind (an open transaction) is held until
    // its dashboard is checked.
    using Held = std::shared_ptr<void>;
    std::map<std::string, std::function<Held()>> events = {
        {"a deadlock",
         [&]() -> Held {
             BOOST_REQUIRE(make_deadlock(stack.primary));
             return nullptr;
         }},
        {"a transaction left open",
         [&]() -> Held { return std::make_shared<OpenTransaction>(stack.primary); }},
        {"an eviction",
         [&]() -> Held {
             make_evictions(stack.redis);
             return nullptr;
         }},
        {"a rejected connection",
         [&]() -> Held {
             BOOST_REQUIRE(make_rejected_connections(stack.redis) > 0);
             return nullptr;
         }},
        {"a receiver that fails",
         [&]() -> Held {
             // Refused once, then delivered: one failure and one delivery.
             std::size_t before = stack.receiver.count();
             stack.receiver.script({500});
             http::ClientRequest alert{
                 .method = "POST",
                 .url = stack.ruler->url("/api/v2/alerts"),
                 .body = R"([{"labels": {"alertname": "LiveTestNotification"}}])"};
             alert.headers.emplace_back("Content-Type", "application/json");
             BOOST_REQUIRE_EQUAL(http::perform(alert).status, 200);
             BOOST_REQUIRE(stack.receiver.wait_for(before + 2));
             return nullptr;
         }},
        {"a notification delivered", [&]() -> Held { return nullptr; }},  // by the one above
    };

    GrafanaTime time;
    auto dashboards = shipped_dashboards();
    BOOST_REQUIRE(dashboards.size() >= 4);
    for (const auto& dashboard : dashboards) {
        BOOST_TEST_CONTEXT("dashboard " << dashboard.name) {
            std::map<std::string, std::string> variables;
            for (const auto& variable : variable_queries(dashboard.body)) {
                // As Grafana 9 asks: the label's values among the series the selector matches.
                std::string path = "/api/v1/label/" + variable.label + "/values";
                if (!variable.selector.empty())
                    path +=
                        "?" + scrape::encode_query(
                                  {{"match[]", interpolate(variable.selector, variables, time)}});
                json values;
                eventually([&] { return !(values = stack.prometheus_api(path)).empty(); }, 60s,
                           200ms);
                BOOST_TEST(!values.empty(),
                           "variable " << variable.variable << " (" << path << ") has no values");
                variables[variable.variable] =
                    all_selected(variable, values.get<std::vector<std::string>>());
            }
            auto queries = panel_queries(dashboard.body);
            BOOST_TEST(!queries.empty());
            // Each target must answer; polled together, since rates need a few scrapes first.
            auto missing = [&](bool with_events) {
                std::vector<std::string> lines;
                auto end = std::chrono::duration<double>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
                for (const auto& query : queries) {
                    const EventPanel* event = event_panel(dashboard.name, query);
                    if (event && !with_events) continue;
                    std::string expr = interpolate(query.expr, variables, time);
                    auto matrix = stack.prometheus_api(
                        "/api/v1/query_range?" + scrape::encode_query({{"query", expr}}) +
                        "&start=" + std::to_string(end - time.range.count()) +
                        "&end=" + std::to_string(end) +
                        "&step=" + std::to_string(time.interval.count()))["result"];
                    double largest = largest_value(matrix);
                    if (event ? largest >= event->at_least : !std::isnan(largest)) continue;
                    lines.push_back("\"" + query.panel + "\" target " +
                                    std::to_string(query.index) + ": " + expr +
                                    (event ? " (after " + event->event + ")" : "") + " -> " +
                                    matrix.dump().substr(0, 400));
                }
                return lines;
            };
            std::vector<std::string> lines;
            bool plain = eventually([&] { return (lines = missing(false)).empty(); }, 120s, 500ms);
            for (const auto& line : lines) BOOST_ERROR("no data: " << line);
            if (!plain) continue;
            std::vector<Held> held;
            std::set<std::string> made;
            for (const auto& panel : event_panels())
                if (panel.dashboard == dashboard.name && made.insert(panel.event).second)
                    held.push_back(events.at(panel.event)());
            eventually([&] { return (lines = missing(true)).empty(); }, 60s, 500ms);
            for (const auto& line : lines) BOOST_ERROR("no data: " << line);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
