// The intake: grouping on the way in, the commit that ingest() waits for, listeners told of new
// and regressed groups, stackwatch's own failures, the counter rules alert on, and the refusals
// (a full queue, a full store) that keep what was accepted.

#include "ruler/errors/error_tracker.hpp"

#include <prometheus/text_serializer.h>

#include <boost/test/unit_test.hpp>

#include "tests/support/eventually.hpp"
#include "tests/support/process.hpp"

using namespace stackwatch;
using namespace stackwatch::errors;
using namespace std::chrono_literals;

namespace stackwatch::errors {
std::ostream& operator<<(std::ostream& out, IntakeStatus status) {
    return out << static_cast<int>(status);
}
}  // namespace stackwatch::errors

namespace {

std::string random_id() {
    static std::atomic<int> n{0};
    return "id-" + std::to_string(++n);
}

ErrorEvent occurrence(std::string type, std::string message) {
    ErrorEvent e;
    e.id = random_id();
    e.timestamp = Clock::now();
    e.type = std::move(type);
    e.message = std::move(message);
    return e;
}

struct TrackerFixture {
    std::filesystem::path dir = test::make_temp_dir("stackwatch-tracker");
    prometheus::Registry registry;
    std::unique_ptr<ErrorTracker> tracker;
    std::mutex mutex;
    std::vector<std::pair<std::string, std::string>> told;  // transition, fingerprint

    explicit TrackerFixture(TrackerOptions options = {}) { start(std::move(options)); }
    ~TrackerFixture() {
        tracker.reset();
        test::remove_dir(dir);
    }
    void start(TrackerOptions options) {
        options.path = (dir / "errors.db").string();
        tracker = std::make_unique<ErrorTracker>(std::move(options), registry);
        tracker->listen([this](const std::string& transition, const ErrorGroup& g) {
            std::lock_guard lock(mutex);
            told.emplace_back(transition, g.fingerprint);
        });
    }
    std::vector<std::pair<std::string, std::string>> transitions() {
        std::lock_guard lock(mutex);
        return told;
    }
    std::string metrics() const {
        return prometheus::TextSerializer().Serialize(registry.Collect());
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(error_tracker, TrackerFixture)

BOOST_AUTO_TEST_CASE(ingest_returns_once_the_occurrences_are_stored) {
    tracker->set_rules(FingerprintRules::parse(ConfigNode::load_string(
        "- match: {message: '*ECONNREFUSED*'}\n  fingerprint: database:connection:refused\n",
        "ruler.yml")));
    auto result = tracker->ingest({occurrence("Error", "connect ECONNREFUSED 10.0.0.1:5432"),
                                   occurrence("TypeError", "x is undefined")},
                                  "api");
    BOOST_REQUIRE(result.status == IntakeStatus::stored);
    BOOST_TEST(result.fingerprints[0] == "database:connection:refused");
    BOOST_TEST(result.fingerprints[1].starts_with("TypeError:"));
    // No waiting: stored means readable now.
    auto stored = tracker->store().event(result.ids[0]);
    BOOST_REQUIRE(stored.has_value());
    BOOST_TEST(stored->source == "api");
    BOOST_TEST(tracker->store().groups({}).size() == 2u);
    auto told = transitions();
    BOOST_TEST(told.size() == 2u);
    BOOST_TEST(told[0].first == "new");
    BOOST_TEST(metrics().find("stackwatch_errors_total{fingerprint_prefix=\"database\",type="
                              "\"Error\"} 1") != std::string::npos,
               metrics());
}

BOOST_AUTO_TEST_CASE(a_resolved_error_that_recurs_is_told_as_a_regression) {
    auto first = tracker->ingest({occurrence("E", "boom")}, "api");
    tracker->set_status(Glob(first.fingerprints[0]), GroupStatus::resolved);
    tracker->ingest({occurrence("E", "boom")}, "api");
    auto told = transitions();
    BOOST_REQUIRE_EQUAL(told.size(), 3u);
    BOOST_TEST(told[1].first == "resolved");
    BOOST_TEST(told[2].first == "regressed");
    BOOST_TEST(told[2].second == first.fingerprints[0]);
}

BOOST_AUTO_TEST_CASE(own_failures_are_tracked_under_their_fingerprint) {
    tracker->report({.fingerprint = "auth:token:invalid",
                     .type = "AuthenticationError",
                     .message = "credentials refused",
                     .context = {{"path", "/monitoring/alerts/active"}}});
    BOOST_REQUIRE(test::eventually(
        [&] { return !tracker->store().groups({.fingerprint = Glob("auth:*")}).empty(); }));
    auto g = tracker->store().groups({.fingerprint = Glob("auth:*")})[0];
    BOOST_TEST(g.fingerprint == "auth:token:invalid");
    BOOST_TEST(g.service == "stackwatch");
    auto e = tracker->store().event(g.last_event_id);
    BOOST_TEST(e->context["path"] == "/monitoring/alerts/active");
    BOOST_TEST(e->source == "stackwatch");
}

BOOST_AUTO_TEST_CASE(more_than_the_queue_holds_is_refused_at_once) {
    tracker.reset();
    start({.max_queued = 2});
    auto refused =
        tracker->ingest({occurrence("E", "a"), occurrence("E", "b"), occurrence("E", "c")}, "api");
    BOOST_TEST(refused.status == IntakeStatus::busy);
    BOOST_TEST(tracker->store().groups({}).empty());
    BOOST_TEST(metrics().find("stackwatch_errors_refused_total{reason=\"busy\"} 1") !=
               std::string::npos);
    BOOST_TEST(tracker->ingest({occurrence("E", "a")}, "api").status == IntakeStatus::stored);
}

BOOST_AUTO_TEST_CASE(a_full_store_refuses_and_keeps_what_it_had_accepted) {
    auto kept = tracker->ingest({occurrence("E", "kept")}, "api");
    tracker->set_retention(std::chrono::hours(24), {.max_bytes = 128 * 1024});
    std::vector<ErrorEvent> big;
    for (int i = 0; i < 1000; ++i)
        big.push_back(occurrence("E" + std::to_string(i), std::string(500, 'x')));
    auto refused = tracker->ingest(std::move(big), "api");
    BOOST_TEST(refused.status == IntakeStatus::store_failed);
    BOOST_TEST(refused.error.find("the error store failed") == 0u, refused.error);
    BOOST_TEST(tracker->store().event(kept.ids[0]).has_value());
    BOOST_TEST(tracker->store().groups({}).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
