// The error store on a real sqlite file: exact counts and users per group, retries stored once,
// the per-group cap, regression, age retention, statistics, a restart, and a full store that
// refuses a batch whole while keeping what it had.

#include "ruler/errors/error_store.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/support/process.hpp"

using namespace stackwatch;
using namespace stackwatch::errors;
using namespace std::chrono_literals;

namespace stackwatch::errors {
std::ostream& operator<<(std::ostream& out, GroupStatus status) {
    return out << status_name(status);
}
}  // namespace stackwatch::errors

namespace {

const TimePoint kT0 = TimePoint(std::chrono::hours(480'000));  // a whole hour

ErrorEvent occurrence(std::string id, std::string fingerprint, TimePoint at, std::string user = "",
                      std::string type = "DatabaseError") {
    ErrorEvent e;
    e.id = std::move(id);
    e.fingerprint = std::move(fingerprint);
    e.timestamp = at;
    e.type = std::move(type);
    e.message = "connection refused";
    e.title = e.type + ": " + e.message;
    e.user = std::move(user);
    e.source = "api";
    return e;
}

struct StoreFixture {
    std::filesystem::path dir = test::make_temp_dir("stackwatch-errors");
    std::string path = (dir / "errors.db").string();
    std::unique_ptr<ErrorStore> store = std::make_unique<ErrorStore>(path, StoreLimits{});
    ~StoreFixture() {
        store.reset();
        test::remove_dir(dir);
    }
    ErrorGroup group(const std::string& fingerprint) const {
        auto found = store->groups({.fingerprint = Glob(fingerprint)});
        BOOST_REQUIRE_EQUAL(found.size(), 1u);
        return found[0];
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(error_store, StoreFixture)

BOOST_AUTO_TEST_CASE(a_group_counts_its_occurrences_and_users) {
    auto first = store->write({occurrence("1", "database:connection:refused", kT0, "ann"),
                               occurrence("2", "database:connection:refused", kT0 + 1s, "bob"),
                               occurrence("3", "database:connection:refused", kT0 + 2s, "ann"),
                               occurrence("4", "auth:token:invalid", kT0 + 3s)});
    BOOST_TEST(first.stored_indexes.size() == 4u);
    BOOST_TEST(first.opened.size() == 2u);
    auto g = group("database:connection:refused");
    BOOST_TEST(g.count == 3);
    BOOST_TEST(g.users == 2);
    BOOST_TEST((g.first_seen == kT0));
    BOOST_TEST((g.last_seen == kT0 + 2s));
    BOOST_TEST(g.last_event_id == "3");
    BOOST_TEST(g.title == "DatabaseError: connection refused");

    auto later = store->write({occurrence("5", "database:connection:refused", kT0 + 5s, "cy")});
    BOOST_TEST(later.opened.empty());
    BOOST_TEST(group("database:connection:refused").count == 4);
    BOOST_TEST(group("database:connection:refused").users == 3);
    BOOST_TEST(store->event("5")->fingerprint == "database:connection:refused");
    BOOST_TEST(!store->event("nope"));
}

BOOST_AUTO_TEST_CASE(a_retried_occurrence_is_stored_once) {
    store->write({occurrence("same", "a:b", kT0)});
    auto again = store->write({occurrence("same", "a:b", kT0), occurrence("other", "a:b", kT0)});
    BOOST_TEST(again.stored_indexes == std::vector<std::size_t>{1});
    BOOST_TEST(group("a:b").count == 2);
}

BOOST_AUTO_TEST_CASE(globs_select_groups_and_occurrences) {
    store->write({occurrence("1", "database:connection:refused", kT0),
                  occurrence("2", "database:connection:timeout", kT0 + 1s),
                  occurrence("3", "database:auth:failed", kT0 + 2s),
                  occurrence("4", "auth:token:invalid", kT0 + 3s)});
    BOOST_TEST(store->groups({.fingerprint = Glob("database:connection:*")}).size() == 2u);
    BOOST_TEST(store->groups({.fingerprint = Glob("database:*")}).size() == 3u);
    BOOST_TEST(store->groups({.fingerprint = Glob("*:auth:*")}).size() == 1u);
    BOOST_TEST(store->groups({}).size() == 4u);
    auto events = store->recent_events(Glob("database:connection:*"), 10);
    BOOST_REQUIRE_EQUAL(events.size(), 2u);
    BOOST_TEST(events[0].id == "2");  // newest first
}

BOOST_AUTO_TEST_CASE(the_cap_keeps_the_newest_occurrences_and_the_exact_count) {
    store->set_limits({.max_events_per_group = 3});
    std::vector<ErrorEvent> burst;
    for (int i = 0; i < 10; ++i)
        burst.push_back(occurrence("e" + std::to_string(i), "a:b", kT0 + i * 1s));
    store->write(burst);
    store->write({occurrence("e10", "a:b", kT0 + 10s)});
    BOOST_TEST(group("a:b").count == 11);
    BOOST_TEST(store->kept_events() == 3);
    auto kept = store->recent_events(Glob("a:b"), 10);
    BOOST_REQUIRE_EQUAL(kept.size(), 3u);
    BOOST_TEST(kept[0].id == "e10");
    BOOST_TEST(kept[2].id == "e8");
    BOOST_TEST(store->stats(kT0, kT0 + 1h, std::nullopt).total == 11);
}

BOOST_AUTO_TEST_CASE(a_resolved_group_that_recurs_is_a_regression) {
    store->write({occurrence("1", "a:b", kT0)});
    auto changed = store->set_status(Glob("a:*"), GroupStatus::resolved, kT0 + 10s);
    BOOST_TEST(changed.size() == 1u);
    BOOST_TEST(group("a:b").status == GroupStatus::resolved);
    BOOST_TEST(store->set_status(Glob("a:*"), GroupStatus::resolved, kT0 + 11s).empty());

    // A late occurrence from before the resolution does not reopen it.
    auto late = store->write({occurrence("2", "a:b", kT0 + 5s)});
    BOOST_TEST(late.regressed.empty());
    BOOST_TEST(group("a:b").status == GroupStatus::resolved);

    auto again = store->write({occurrence("3", "a:b", kT0 + 20s)});
    BOOST_REQUIRE_EQUAL(again.regressed.size(), 1u);
    auto g = group("a:b");
    BOOST_TEST(g.status == GroupStatus::unresolved);
    BOOST_TEST((g.regressed_at == kT0 + 20s));
    BOOST_TEST(g.count == 3);

    store->set_status(Glob("a:b"), GroupStatus::ignored, kT0 + 30s);
    BOOST_TEST(store->write({occurrence("4", "a:b", kT0 + 40s)}).regressed.empty());
    BOOST_TEST(group("a:b").status == GroupStatus::ignored);
}

BOOST_AUTO_TEST_CASE(retention_drops_what_is_older_and_groups_not_seen_since) {
    store->write({occurrence("old", "old:one", kT0), occurrence("mixed-old", "mixed", kT0),
                  occurrence("mixed-new", "mixed", kT0 + 2h)});
    BOOST_TEST(store->expire(kT0 + 1h) == 2u);
    BOOST_TEST(store->groups({.fingerprint = Glob("old:one")}).empty());
    BOOST_TEST(group("mixed").count == 2);  // the group's count is history, not the kept rows
    BOOST_TEST(store->kept_events() == 1);
    BOOST_TEST(store->stats(kT0, kT0 + 3h, std::nullopt).total == 1);
}

BOOST_AUTO_TEST_CASE(statistics_by_type_fingerprint_and_interval) {
    store->write({occurrence("1", "database:connection:refused", kT0),
                  occurrence("2", "database:connection:refused", kT0 + 61s),
                  occurrence("3", "auth:token:invalid", kT0 + 125s, "", "AuthenticationError"),
                  occurrence("4", "database:connection:refused", kT0 + 2h)});
    auto stats = store->stats(kT0, kT0 + 10min, std::nullopt);
    BOOST_TEST(stats.total == 3);
    BOOST_REQUIRE_EQUAL(stats.by_type.size(), 2u);
    BOOST_TEST(stats.by_type[0].key == "DatabaseError");
    BOOST_TEST(stats.by_type[0].count == 2);
    BOOST_TEST(stats.by_fingerprint[0].key == "database:connection:refused");
    BOOST_TEST(stats.recent.size() == 3u);
    BOOST_TEST(stats.recent[0].id == "3");
    BOOST_TEST(stats.step.count() == 1);
    BOOST_TEST((stats.per_interval == std::vector<std::int64_t>{1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}));
    auto auth = store->stats(kT0, kT0 + 10min, Glob("auth:*"));
    BOOST_TEST(auth.total == 1);
    // Over three hours the steps are whole minutes, at most 60 of them.
    auto wide = store->stats(kT0, kT0 + 3h, std::nullopt);
    BOOST_TEST(wide.step.count() == 4);
    BOOST_TEST(wide.per_interval.size() <= 60u);
    BOOST_TEST(wide.total == 4);
    auto hourly = store->counts("database:connection:refused", kT0 + 3h - 1min, 60min, 3);
    BOOST_TEST((hourly == std::vector<std::int64_t>{2, 0, 1}));
}

BOOST_AUTO_TEST_CASE(a_restart_keeps_everything) {
    store->write({occurrence("1", "a:b", kT0, "ann")});
    store->set_status(Glob("a:b"), GroupStatus::resolved, kT0 + 1s);
    store.reset();
    store = std::make_unique<ErrorStore>(path, StoreLimits{});
    auto g = group("a:b");
    BOOST_TEST(g.count == 1);
    BOOST_TEST(g.users == 1);
    BOOST_TEST(g.status == GroupStatus::resolved);
    BOOST_TEST(store->event("1").has_value());
}

BOOST_AUTO_TEST_CASE(a_full_store_refuses_a_batch_whole_and_keeps_what_it_had) {
    store->write({occurrence("kept", "a:b", kT0)});
    store->set_limits({.max_bytes = 256 * 1024});
    std::vector<ErrorEvent> big;
    for (int i = 0; i < 2000; ++i) {
        big.push_back(occurrence("big" + std::to_string(i), "c:" + std::to_string(i), kT0));
        big.back().message = std::string(400, 'x');
    }
    BOOST_CHECK_THROW(store->write(big), std::runtime_error);
    BOOST_TEST(store->kept_events() == 1);
    BOOST_TEST(store->groups({}).size() == 1u);
    BOOST_TEST(store->event("kept").has_value());
    store->set_limits({});
    BOOST_TEST(store->write(big).stored_indexes.size() == 2000u);
}

BOOST_AUTO_TEST_SUITE_END()
