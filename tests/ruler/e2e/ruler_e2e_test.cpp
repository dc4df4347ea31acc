#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "common/http_client.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/program.hpp"
#include "tests/support/prometheus_server.hpp"
#include "tests/support/redis_server.hpp"

using namespace stackwatch;
using namespace stackwatch::test;

namespace {

// An exporter over the shared PostgreSQL, and a temp dir for the ruler's files.
struct RulerFixture {
    std::filesystem::path dir = make_temp_dir("stackwatch-ruler-e2e");
    std::unique_ptr<Program> exporter;

    RulerFixture() {
        std::filesystem::create_directories(dir / "rules");  // ruler_config() reads rules/*.yml
        exporter = std::make_unique<Program>(
            std::vector<std::string>{"stackwatch-exporter"},
            std::vector<std::string>{"DATA_SOURCE_NAME=" + shared_postgres().uri()});
        exporter->wait_until_serving("/health/live");
    }
    ~RulerFixture() {
        exporter.reset();
        remove_dir(dir);
    }
    std::string exporter_address() const { return "127.0.0.1:" + std::to_string(exporter->port()); }
    std::filesystem::path write(const std::string& name, const std::string& text) const {
        std::ofstream(dir / name) << text;
        return dir / name;
    }
    // The ruler's own flags: its config and a state file in the test's dir.
    std::vector<std::string> ruler_args(const std::filesystem::path& config,
                                        const std::string& state = "state.db") const {
        return {"stackwatch-ruler", "--config.file=" + config.string(),
                "--storage.state-path=" + (dir / state).string()};
    }
    std::filesystem::path ruler_config(const std::string& datasource = "") const {
        return write("ruler.yml",
                     "global: {scrape_interval: 1s, evaluation_interval: 1s, external_labels: "
                     "{site: test}}\n"
                     "rule_files: ['rules/*.yml']\n"
                     "scrape_configs:\n"
                     "  - job_name: stackwatch\n"
                     "    static_configs: [{targets: ['" +
                         exporter_address() + "']}]\n" + datasource);
    }
};

const char* kRateRule =
    "groups:\n"
    "  - name: activity\n"
    "    interval: 1s\n"
    "    rules:\n"
    "      - record: db:xact_commit:rate5s\n"
    "        expr: rate(pg_stat_database_xact_commit{datname=\"postgres\"}[5s])\n"
    "      - alert: PostgresCommitting\n"
    "        expr: sum by (job, instance, datname) "
    "(rate(pg_stat_database_xact_commit{datname=\"postgres\"}[5s])) > 0\n"
    "        labels: {severity: info}\n"
    "        annotations:\n"
    "          summary: '{{ $labels.datname }} commits {{ $value | humanize }}/s on {{ "
    "$externalLabels.site }}'\n";

// Keeps PostgreSQL committing while `predicate` is polled, up to a bound.
template <typename Predicate>
bool with_activity_until(Predicate predicate,
                         std::chrono::seconds bound = std::chrono::seconds(60)) {
    auto deadline = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < deadline) {
        for (int i = 0; i < 5; ++i) shared_postgres().query_value("SELECT 1");
        if (predicate()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

nlohmann::json firing_alerts(const Program& ruler) {
    auto r = http::get(ruler.url("/api/v1/alerts"));
    if (r.status != 200) return nlohmann::json::array();
    nlohmann::json firing = nlohmann::json::array();
    auto body = nlohmann::json::parse(r.body);
    for (auto& alert : body["data"]["alerts"])
        if (alert["state"] == "firing") firing.push_back(alert);
    return firing;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ruler_e2e)

BOOST_AUTO_TEST_CASE(scraping_the_exporter_fires_a_rate_alert) {
    RulerFixture fx;
    fx.write("rules/activity.yml", kRateRule);
    Program ruler(fx.ruler_args(fx.ruler_config()));
    ruler.wait_until_serving("/-/healthy");
    nlohmann::json firing;
    BOOST_REQUIRE_MESSAGE(with_activity_until(
                              [&] { return !(firing = firing_alerts(ruler)).empty(); }),
                          "no alert fired:\n"
                              << http::get(ruler.url("/api/v1/rules")).body << "\n"
                              << http::get(ruler.url("/api/v1/targets")).body << "\n"
                              << ruler.output());
    auto alert = firing[0];
    BOOST_TEST(alert["labels"]["alertname"] == "PostgresCommitting");
    BOOST_TEST(alert["labels"]["datname"] == "postgres");
    BOOST_TEST(alert["labels"]["job"] == "stackwatch");
    BOOST_TEST(alert["labels"]["instance"] == fx.exporter_address());
    BOOST_TEST(alert["labels"]["severity"] == "info");
    std::string summary = alert["annotations"]["summary"];
    BOOST_TEST(summary.starts_with("postgres commits "), summary);
    BOOST_TEST(summary.ends_with("/s on test"), summary);

    auto rules = nlohmann::json::parse(http::get(ruler.url("/api/v1/rules")).body);
    BOOST_TEST(rules["status"] == "success");
    auto group = rules["data"]["groups"][0];
    BOOST_TEST(group["name"] == "activity");
    BOOST_TEST(group["rules"][0]["type"] == "recording");
    BOOST_TEST(group["rules"][0]["health"] == "ok");
    auto targets = nlohmann::json::parse(http::get(ruler.url("/api/v1/targets")).body);
    BOOST_TEST(targets["data"]["activeTargets"][0]["health"] == "up");
    // The recorded series is queryable at once, from the same store the rules read.
    auto recorded = nlohmann::json::parse(
        http::get(ruler.url("/api/v1/query?query=db:xact_commit:rate5s")).body);
    BOOST_TEST(recorded["data"]["resultType"] == "vector");
    BOOST_TEST(!recorded["data"]["result"].empty());
    auto metrics = http::get(ruler.url("/metrics")).body;
    BOOST_TEST(metrics.find("stackwatch_rule_group_duration_seconds_bucket") != std::string::npos);
    BOOST_TEST(metrics.find("prometheus_rule_evaluation_failures_total") != std::string::npos);
    BOOST_TEST(metrics.find("prometheus_rule_group_iterations_missed_total") != std::string::npos);
    // Prometheus's per-group gauges, and the group's alerts by state.
    auto group_value = [&](const std::string& name, const std::string& extra_label = "") {
        std::istringstream lines(metrics);
        for (std::string line; std::getline(lines, line);) {
            if (line.starts_with(name + "{") && line.find(";activity\"") != std::string::npos &&
                line.find(extra_label) != std::string::npos)
                return line.substr(line.rfind(' ') + 1);
        }
        return std::string("absent");
    };
    BOOST_TEST(group_value("prometheus_rule_group_interval_seconds") == "1");
    BOOST_TEST(group_value("prometheus_rule_group_rules") == "2");
    BOOST_TEST(group_value("prometheus_rule_group_last_duration_seconds") != "absent");
    BOOST_TEST(group_value("stackwatch_rule_group_alerts", "state=\"firing\"") == "1");
    BOOST_TEST(group_value("stackwatch_rule_group_alerts", "state=\"pending\"") == "0");
    BOOST_TEST(ruler.stop() == 0);
}

BOOST_AUTO_TEST_CASE(a_real_prometheus_as_the_datasource_gives_the_same_alert) {
    RulerFixture fx;
    fx.write("rules/activity.yml", kRateRule);
    Program embedded(fx.ruler_args(fx.ruler_config()));
    PrometheusServer prometheus(fx.exporter_address(), "stackwatch");
    auto remote_config =
        fx.write("remote.yml",
                 "global: {evaluation_interval: 1s, external_labels: {site: test}}\n"
                 "rule_files: ['rules/*.yml']\n"
                 "datasource:\n  type: remote\n  url: " +
                     prometheus.url() + "\n  timeout: 5s\n");
    Program remote(fx.ruler_args(remote_config, "remote-state.db"));
    embedded.wait_until_serving("/-/healthy");
    remote.wait_until_serving("/-/healthy");
    nlohmann::json from_store, from_prometheus;
    BOOST_REQUIRE_MESSAGE(with_activity_until(
                              [&] {
                                  from_store = firing_alerts(embedded);
                                  from_prometheus = firing_alerts(remote);
                                  return !from_store.empty() && !from_prometheus.empty();
                              },
                              std::chrono::seconds(90)),
                          "embedded:\n"
                              << embedded.output() << "\nremote:\n"
                              << remote.output());
    BOOST_TEST(from_store[0]["labels"] == from_prometheus[0]["labels"],
               from_store[0]["labels"].dump() << " vs " << from_prometheus[0]["labels"].dump());
    auto rules = nlohmann::json::parse(http::get(remote.url("/api/v1/rules")).body);
    BOOST_TEST(rules["data"]["groups"][0]["rules"][1]["health"] == "ok", rules.dump());
}

BOOST_AUTO_TEST_CASE(rule_results_written_to_a_real_prometheus_read_back_the_same) {
    RulerFixture fx;
    fx.write("rules/activity.yml", kRateRule);
    PrometheusServer prometheus("127.0.0.1:1", "nothing");
    auto config =
        fx.ruler_config("remote_write:\n  - url: " + prometheus.url() +
                        "/api/v1/write\n    queue_config: {batch_send_deadline: 100ms}\n");
    Program ruler(fx.ruler_args(config));
    ruler.wait_until_serving("/-/healthy");
    // Raw samples with their own timestamps: a range selector in an instant query.
    auto raw = [&](const std::string& selector) {
        auto r = http::get(prometheus.url() + "/api/v1/query?query=" + selector + "%5B1m%5D");
        if (r.status != 200) return nlohmann::json::array();
        return nlohmann::json::parse(r.body)["data"]["result"];
    };
    nlohmann::json recorded, alerts;
    BOOST_REQUIRE_MESSAGE(with_activity_until([&] {
                              recorded = raw("db:xact_commit:rate5s");
                              alerts = raw("ALERTS");
                              return !recorded.empty() && recorded[0]["values"].size() >= 3 &&
                                     !alerts.empty();
                          }),
                          ruler.output() << "\n"
                                         << prometheus.log());
    BOOST_TEST(recorded[0]["metric"]["site"] == "test");  // external_labels, as Prometheus adds
    BOOST_TEST(recorded[0]["metric"]["datname"] == "postgres");
    BOOST_TEST(alerts[0]["metric"]["alertname"] == "PostgresCommitting");
    BOOST_TEST(alerts[0]["metric"]["alertstate"] == "firing");
    // Each written sample is the one in the ruler's own store at that timestamp.
    for (const auto& point : recorded[0]["values"]) {
        const auto at = point[0].dump();
        auto local = nlohmann::json::parse(
            http::get(ruler.url("/api/v1/query?query=db:xact_commit:rate5s&time=" + at)).body);
        BOOST_TEST_REQUIRE(local["data"]["result"].size() == 1u, local.dump());
        BOOST_TEST(local["data"]["result"][0]["value"][0].dump() == at);
        BOOST_TEST(local["data"]["result"][0]["value"][1] == point[1]);
    }
    auto metrics = http::get(ruler.url("/metrics")).body;
    BOOST_TEST(metrics.find("prometheus_remote_storage_samples_total{remote_name=") !=
               std::string::npos);
    BOOST_TEST(ruler.stop() == 0);
}

BOOST_AUTO_TEST_CASE(a_bad_rule_file_on_reload_keeps_the_running_rules) {
    RulerFixture fx;
    fx.write("rules/activity.yml", kRateRule);
    Program ruler(fx.ruler_args(fx.ruler_config()));
    ruler.wait_until_serving("/-/healthy");
    nlohmann::json firing;
    BOOST_REQUIRE(with_activity_until([&] { return !(firing = firing_alerts(ruler)).empty(); }));
    auto active_at = firing[0]["activeAt"];
    fx.write(
        "rules/broken.yml",
        "groups:\n  - name: broken\n    rules:\n      - alert: X\n        expr: rate(up[5m]\n");
    http::ClientRequest reload;
    reload.method = "POST";
    reload.url = ruler.url("/-/reload");
    auto r = http::perform(reload);
    BOOST_TEST(r.status == 400);
    auto body = nlohmann::json::parse(r.body);
    BOOST_TEST(body["errors"][0].get<std::string>().find("broken.yml") != std::string::npos,
               r.body);
    auto groups =
        nlohmann::json::parse(http::get(ruler.url("/api/v1/rules")).body)["data"]["groups"];
    BOOST_REQUIRE_EQUAL(groups.size(), 1u);
    BOOST_TEST(groups[0]["name"] == "activity");

    // SIGHUP with the file fixed loads both groups.
    fx.write(
        "rules/broken.yml",
        "groups:\n  - name: fixed\n    rules:\n      - record: up:sum\n        expr: sum(up)\n");
    kill(ruler.pid(), SIGHUP);
    bool reloaded = eventually(
        [&] {
            auto now = nlohmann::json::parse(http::get(ruler.url("/api/v1/rules")).body);
            return now["data"]["groups"].size() == 2;
        },
        std::chrono::seconds(10), std::chrono::milliseconds(50));
    BOOST_TEST(reloaded, ruler.output());
    // The firing alert kept its state across both reloads.
    BOOST_REQUIRE(with_activity_until([&] { return !(firing = firing_alerts(ruler)).empty(); }));
    BOOST_TEST(firing[0]["activeAt"] == active_at);
    BOOST_TEST(ruler.stop() == 0);
}

constexpr std::chrono::milliseconds kRestartBound{30000}, kPollStep{50};

// The restarted ruler's store starts empty: the alert over scraped data becomes active only
// after the first scrape, and is restored then.
BOOST_AUTO_TEST_CASE(pending_alerts_keep_their_for_progress_across_a_restart) {
    RulerFixture fx;
    fx.write("rules/slow.yml",
             "groups:\n  - name: slow\n    interval: 1s\n    rules:\n"
             "      - alert: ExporterUpForAnHour\n        expr: up{job=\"stackwatch\"} == 1\n"
             "        for: 1h\n");
    auto config = fx.ruler_config();
    auto pending_since = [](const Program& ruler) -> std::optional<std::string> {
        auto r = http::get(ruler.url("/api/v1/alerts"));
        if (r.status != 200) return std::nullopt;
        auto body = nlohmann::json::parse(r.body);
        for (auto& alert : body["data"]["alerts"])
            if (alert["state"] == "pending") return alert["activeAt"].get<std::string>();
        return std::nullopt;
    };
    std::string first_active_at;
    {
        Program ruler(fx.ruler_args(config));
        ruler.wait_until_serving("/-/healthy");
        BOOST_REQUIRE(eventually(
            [&] {
                auto since = pending_since(ruler);
                if (since) first_active_at = *since;
                return since.has_value();
            },
            kRestartBound, kPollStep));
        // Let the alert be pending for a few evaluations, so its progress is worth keeping.
        auto stored = [&] {
            auto r = http::get(ruler.url("/api/v1/query?query=ALERTS_FOR_STATE"));
            return r.status == 200 && r.body.find("ExporterUpForAnHour") != std::string::npos;
        };
        BOOST_REQUIRE(eventually(stored, kRestartBound, kPollStep));
        std::this_thread::sleep_for(
            std::chrono::seconds(6));  // the progress itself is the thing under test
        BOOST_TEST(ruler.stop() == 0);
    }
    auto restarted_at = std::chrono::system_clock::now();
    Program ruler(fx.ruler_args(config));
    ruler.wait_until_serving("/-/healthy");
    // Restored: the alert became active before this process started, by about as long as it had
    // been pending before (the outage itself does not count towards `for`).
    std::string restored;
    auto started_text = [&] {
        auto secs =
            std::chrono::duration_cast<std::chrono::seconds>(restarted_at.time_since_epoch())
                .count() -
            1;
        std::time_t t = secs;
        std::tm tm{};
        gmtime_r(&t, &tm);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
        return std::string(buf);
    }();
    bool restored_early = eventually(
        [&] {
            auto since = pending_since(ruler);
            if (!since) return false;
            restored = *since;
            return restored < started_text;  // RFC 3339 in UTC orders as text
        },
        kRestartBound, kPollStep);
    BOOST_TEST(restored_early, "activeAt " << restored << " is not before " << started_text
                                           << " (first run: " << first_active_at << ")\n"
                                           << ruler.output());
}

BOOST_AUTO_TEST_CASE(command_line_errors_and_checks) {
    auto help = run_program({"stackwatch-ruler", "--help"});
    BOOST_TEST(help.exit_code == 0);
    BOOST_TEST(help.output.find("check rules FILE...") != std::string::npos);
    auto bad = run_program({"stackwatch-ruler", "--config.fil=x"});
    BOOST_TEST(bad.exit_code == 2);
    auto unknown = run_program({"stackwatch-ruler", "lint", "rules", "x.yml"});
    BOOST_TEST(unknown.exit_code == 2);
    auto dir = make_temp_dir("stackwatch-ruler-cli");
    std::ofstream(dir / "ruler.yml") << "global:\n  evaluation_interval: soon\n";
    auto config =
        run_program({"stackwatch-ruler", "--config.file=" + (dir / "ruler.yml").string()});
    BOOST_TEST(config.exit_code == 1);
    BOOST_TEST(
        config.output.find("ruler.yml:2:24: global.evaluation_interval: not a valid duration") !=
            std::string::npos,
        config.output);
    std::ofstream(dir / "ok.yml")
        << "groups:\n  - name: g\n    rules:\n      - record: a:b\n        expr: sum(up)\n";
    auto check = run_program({"stackwatch-ruler", "check", "rules", (dir / "ok.yml").string()});
    BOOST_TEST(check.exit_code == 0);
    BOOST_TEST(check.output.find("SUCCESS: 1 rules found") != std::string::npos, check.output);
    remove_dir(dir);
}

BOOST_AUTO_TEST_SUITE_END()
