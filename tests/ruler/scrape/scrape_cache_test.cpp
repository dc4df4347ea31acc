#include "ruler/scrape/scrape_cache.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/ruler/scrape/store_reader.hpp"

using namespace stackwatch;
using namespace stackwatch::scrape;
using stackwatch::test::latest;
using stackwatch::test::series_of;

namespace {

const promql::Labels kTarget{{"instance", "h:1"}, {"job", "node"}};

struct CacheFixture {
    storage::MemoryStore store;
    AppendResult append(ScrapeCache& cache, const std::string& body, promql::Timestamp t) {
        return cache.append(body, ExpositionFormat::prometheus, t, store);
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(scrape_cache, CacheFixture)

BOOST_AUTO_TEST_CASE(stores_samples_with_target_labels_and_marks_vanished_series_stale) {
    ScrapeCache cache({.target_labels = kTarget});
    auto first = append(cache, "a{x=\"1\"} 1\na{x=\"2\"} 2\nb 3\n", 1000);
    BOOST_TEST(first.error == "");
    BOOST_TEST(first.scraped == 3u);
    BOOST_TEST(first.series_added == 3u);
    auto a1 = series_of(store, "a", {{"x", "1"}});
    BOOST_REQUIRE(a1.size() == 1u);
    BOOST_TEST(a1[0].labels.to_string() == "a{instance=\"h:1\", job=\"node\", x=\"1\"}");
    BOOST_TEST(a1[0].samples[0].t == 1000);
    BOOST_TEST(a1[0].samples[0].v == 1);

    auto second = append(cache, "a{x=\"1\"} 10\nb 30\nc 40\n", 2000);
    BOOST_TEST(second.series_added == 1u);  // only c is new
    BOOST_TEST(latest(store, "a", {{"x", "1"}})->v == 10);
    auto gone = latest(store, "a", {{"x", "2"}});
    BOOST_REQUIRE(gone.has_value());
    BOOST_TEST(gone->t == 2000);
    BOOST_TEST(promql::is_stale_marker(gone->v));
    // A series that comes back is new again, and is not marked twice.
    auto third = append(cache, "a{x=\"1\"} 11\na{x=\"2\"} 5\nb 31\nc 41\n", 3000);
    BOOST_TEST(third.series_added == 1u);
    BOOST_TEST(series_of(store, "a", {{"x", "2"}})[0].samples.size() == 3u);
}

BOOST_AUTO_TEST_CASE(keeps_displaced_scraped_labels_as_exported) {
    ScrapeCache cache({.target_labels = kTarget});
    append(cache, "m{job=\"app\",exported_job=\"x\",instance=\"\"} 1\n", 1000);
    auto found = series_of(store, "m");
    BOOST_REQUIRE(found.size() == 1u);
    // exported_job is taken by the scrape itself, so the displaced job moves one step further.
    BOOST_TEST(
        found[0].labels.to_string() ==
        "m{exported_exported_job=\"app\", exported_job=\"x\", instance=\"h:1\", job=\"node\"}");

    storage::MemoryStore honored_store;
    ScrapeCache honoring({.target_labels = kTarget, .honor_labels = true});
    honoring.append("m{job=\"app\"} 1\n", ExpositionFormat::prometheus, 1000, honored_store);
    BOOST_TEST(series_of(honored_store, "m")[0].labels.to_string() ==
               "m{instance=\"h:1\", job=\"app\"}");
}

BOOST_AUTO_TEST_CASE(failed_body_stores_nothing_and_ends_previous_series) {
    ScrapeCache cache({.target_labels = kTarget});
    append(cache, "a 1\nb 2\n", 1000);
    auto broken = append(cache, "a 5\nb oops\n", 2000);
    BOOST_TEST(broken.error == "line 2: invalid value \"oops\" for metric b");
    BOOST_TEST(latest(store, "a")->t == 2000);
    BOOST_TEST(promql::is_stale_marker(latest(store, "a")->v));  // a 5 was not stored
    BOOST_TEST(promql::is_stale_marker(latest(store, "b")->v));
    // Recovered series were not forgotten by the failed scrape, so they are not new.
    auto recovered = append(cache, "a 6\nb 7\n", 2500);
    BOOST_TEST(recovered.series_added == 0u);
    BOOST_TEST(latest(store, "a")->v == 6);

    auto duplicate = append(cache, "a{x=\"1\",x=\"2\"} 1\n", 3000);
    BOOST_TEST(duplicate.error.find("label name \"x\" is not unique") != std::string::npos,
               duplicate.error);
}

BOOST_AUTO_TEST_CASE(enforces_sample_limit) {
    ScrapeCache cache({.target_labels = kTarget, .sample_limit = 2});
    BOOST_TEST(append(cache, "a 1\nb 2\n", 1000).error == "");
    auto over = append(cache, "a 1\nb 2\nc 3\nd 4\n", 2000);
    BOOST_TEST(over.error == "sample limit exceeded");
    BOOST_TEST(over.scraped == 4u);
    BOOST_TEST(series_of(store, "c").empty());
    BOOST_TEST(promql::is_stale_marker(latest(store, "a")->v));
}

BOOST_AUTO_TEST_CASE(honors_exposed_timestamps_without_staleness) {
    ScrapeCache cache({.target_labels = kTarget});
    append(cache, "a 1 500\nb 2\n", 1000);
    BOOST_TEST(latest(store, "a")->t == 500);
    append(cache, "c 3\n", 2000);
    BOOST_TEST(latest(store, "a")->v == 1);  // no marker: the exporter owns its timing
    BOOST_TEST(promql::is_stale_marker(latest(store, "b")->v));

    storage::MemoryStore own_time_store;
    ScrapeCache ignoring({.target_labels = kTarget, .honor_timestamps = false});
    ignoring.append("a 1 500\n", ExpositionFormat::prometheus, 1000, own_time_store);
    BOOST_TEST(latest(own_time_store, "a")->t == 1000);
}

BOOST_AUTO_TEST_CASE(marks_everything_stale_when_target_goes_away) {
    ScrapeCache cache({.target_labels = kTarget});
    append(cache, "a 1\nb 2\n", 1000);
    cache.mark_stale(1500, store);
    BOOST_TEST(promql::is_stale_marker(latest(store, "a")->v));
    BOOST_TEST(latest(store, "b")->t == 1500);
    cache.mark_stale(1600, store);  // already ended: no second marker
    BOOST_TEST(latest(store, "b")->t == 1500);
}

BOOST_AUTO_TEST_CASE(reads_openmetrics_bodies) {
    ScrapeCache cache({.target_labels = kTarget});
    auto result = cache.append("# TYPE r counter\nr_total 4\nr_created 1.5e9\n# EOF\n",
                               ExpositionFormat::openmetrics, 1000, store);
    BOOST_TEST(result.error == "");
    BOOST_TEST(result.scraped == 1u);
    BOOST_TEST(latest(store, "r_total")->v == 4);
}

BOOST_AUTO_TEST_SUITE_END()
