#include "ruler/errors/ingest_limiter.hpp"

#include <boost/test/unit_test.hpp>

using namespace stackwatch::errors;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(ingest_limiter)

BOOST_AUTO_TEST_CASE(a_caller_gets_its_burst_then_the_rate) {
    IngestLimiter limiter({.events_per_second = 10, .burst = 50});
    auto t0 = IngestLimiter::Clock::time_point{} + 1h;
    BOOST_TEST(!limiter.take("token app", 30, t0));
    BOOST_TEST(!limiter.take("token app", 20, t0));
    auto refused = limiter.take("token app", 5, t0);
    BOOST_REQUIRE(refused);
    BOOST_REQUIRE(refused->retry_after);
    BOOST_TEST(refused->retry_after->count() == 1);  // 5 events at 10/s: half a second, rounded up
    BOOST_TEST(refused->reason.find("token app sends errors faster than") == 0u, refused->reason);
    // A refused batch took nothing: after half a second there are exactly 5.
    BOOST_TEST(!limiter.take("token app", 5, t0 + 500ms));
    BOOST_TEST(limiter.take("token app", 1, t0 + 500ms).has_value());
    // Other callers have buckets of their own.
    BOOST_TEST(!limiter.take("token other", 50, t0));
    // A long pause refills to the burst, not beyond.
    BOOST_TEST(!limiter.take("token app", 50, t0 + 1h));
    BOOST_TEST(limiter.take("token app", 1, t0 + 1h).has_value());
}

BOOST_AUTO_TEST_CASE(a_batch_larger_than_the_burst_can_never_pass) {
    IngestLimiter limiter({.events_per_second = 10, .burst = 50});
    auto refused = limiter.take("token app", 51);
    BOOST_REQUIRE(refused);
    BOOST_TEST(!refused->retry_after);
    BOOST_TEST(
        refused->reason.find("larger than error_tracking.ingest_burst (50)") != std::string::npos,
        refused->reason);
}

BOOST_AUTO_TEST_CASE(a_rate_of_zero_means_no_limit_and_a_reload_applies) {
    IngestLimiter limiter({.events_per_second = 0, .burst = 0});
    BOOST_TEST(!limiter.take("token app", 1'000'000));
    limiter.set_rate({.events_per_second = 1, .burst = 1});
    auto t0 = IngestLimiter::Clock::now();
    BOOST_TEST(!limiter.take("token app", 1, t0));
    BOOST_TEST(limiter.take("token app", 1, t0).has_value());
}

BOOST_AUTO_TEST_CASE(many_callers_do_not_grow_the_limiter_without_bound) {
    IngestLimiter limiter({.events_per_second = 1000, .burst = 1000});
    auto t0 = IngestLimiter::Clock::time_point{} + 1h;
    for (int i = 0; i < 30'000; ++i)
        BOOST_TEST_REQUIRE(!limiter.take("address 10.0.0." + std::to_string(i), 1, t0 + 1ms * i));
    BOOST_TEST(limiter.callers() <= 10'000u);
    // A caller seen long ago with a full bucket may have been forgotten; one that spent its
    // bucket just now is still held to it.
    BOOST_TEST(!limiter.take("token busy", 1000, t0 + 30s));
    BOOST_TEST(limiter.take("token busy", 1, t0 + 30s).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
