#include "exporter/metric_set.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>

using stackwatch::exporter::MetricSet;

BOOST_AUTO_TEST_SUITE(metric_set)

BOOST_AUTO_TEST_CASE(one_family_per_name_with_help_and_type) {
    MetricSet set;
    set.gauge("pg_up", "Whether PostgreSQL answers.", 1, {{"target", "a"}});
    set.gauge("pg_up", "Whether PostgreSQL answers.", 0, {{"target", "b"}});
    set.counter("pg_stat_database_xact_commit", "Commits.", 42, {{"datname", "app"}});
    std::string text = set.serialize();
    BOOST_TEST(text.find("# HELP pg_up Whether PostgreSQL answers.\n# TYPE pg_up gauge\n"
                         "pg_up{target=\"a\"} 1\npg_up{target=\"b\"} 0\n") != std::string::npos,
               text);
    BOOST_TEST(text.find("# TYPE pg_stat_database_xact_commit counter\n"
                         "pg_stat_database_xact_commit{datname=\"app\"} 42\n") != std::string::npos,
               text);
}

BOOST_AUTO_TEST_CASE(a_name_cannot_change_type) {
    MetricSet set;
    set.gauge("x", "h", 1);
    BOOST_CHECK_THROW(set.counter("x", "h", 1), std::logic_error);
}

BOOST_AUTO_TEST_CASE(merge_joins_families) {
    MetricSet a, b;
    a.gauge("redis_up", "up", 1);
    b.gauge("redis_up", "up", 0, {{"target", "cache-2"}});
    b.histogram("lat", "h", {{0.1, 2}, {1, 3}}, 1.5, 4);
    a.merge(std::move(b));
    std::string text = a.serialize();
    BOOST_TEST(text.find("redis_up 1\nredis_up{target=\"cache-2\"} 0\n") != std::string::npos,
               text);
    BOOST_TEST(text.find("lat_bucket{le=\"0.1\"} 2\n") != std::string::npos, text);
    BOOST_TEST(text.find("lat_bucket{le=\"+Inf\"} 4\n") != std::string::npos, text);
    BOOST_TEST(text.find("lat_count 4\n") != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(thousands_of_families_are_found_by_name_as_sets_grow_and_merge) {
    // Past several regrowths of the name index, added in an order that interleaves families.
    MetricSet a, b;
    for (int round = 0; round < 2; ++round)
        for (int i = 0; i < 3000; ++i)
            (i % 2 ? a : b).gauge("m" + std::to_string(i % 1500), "h", round);
    BOOST_TEST(a.family_list().size() == 750u);
    BOOST_TEST(b.family_list().size() == 750u);
    for (const auto* name : {"m1", "m1499", "m0", "m1498"}) {
        const auto* mine = (name[std::string_view(name).size() - 1] - '0') % 2 ? &a : &b;
        BOOST_REQUIRE_MESSAGE(mine->find(name), name);
        BOOST_TEST(mine->find(name)->series.size() == 4u);
        BOOST_TEST(mine->find(name)->name == name);
    }
    BOOST_TEST(!a.find("m0"));
    BOOST_TEST(!a.find("m1500"));
    MetricSet c;
    c.gauge("m1", "h", 7);
    c.gauge("new", "h", 8);
    a.merge(std::move(c));
    a.merge(std::move(b));
    BOOST_TEST(a.family_list().size() == 1501u);
    BOOST_TEST(a.find("m1")->series.size() == 5u);
    BOOST_TEST(a.find("m0")->series.size() == 4u);
    BOOST_TEST(a.find("new")->series.size() == 1u);
    BOOST_TEST(a.contains("m1498"));
    BOOST_TEST(!a.contains("m1500"));
}

BOOST_AUTO_TEST_CASE(families_reads_back_what_was_added) {
    MetricSet set;
    set.gauge("g", "gauge", 2.5, {{"path", "C:\\x \"q\"\nnext"}, {"empty", ""}});
    set.histogram("h", "hist", {{0.1, 2}, {1, 3}}, 1.5, 4, {{"k", "v"}});
    set.summary("s", "sum", {{0.5, 7}}, 9, 3);
    const auto& families = set.families();
    BOOST_TEST_REQUIRE(families.size() == 3u);
    const auto& gauge = families[0].metric.at(0);
    BOOST_TEST(gauge.gauge.value == 2.5);
    BOOST_TEST_REQUIRE(gauge.label.size() == 2u);
    BOOST_TEST(gauge.label[0].name == "path");
    BOOST_TEST(gauge.label[0].value == "C:\\x \"q\"\nnext");
    BOOST_TEST(gauge.label[1].value == "");
    const auto& histogram = families[1].metric.at(0).histogram;
    BOOST_TEST(histogram.sample_count == 4u);
    BOOST_TEST_REQUIRE(histogram.bucket.size() == 3u);
    BOOST_TEST(histogram.bucket[1].cumulative_count == 3u);
    BOOST_TEST(std::isinf(histogram.bucket[2].upper_bound));
    BOOST_TEST(families[2].metric.at(0).summary.quantile.at(0).value == 7);
}

BOOST_AUTO_TEST_CASE(merge_new_keeps_the_families_already_there) {
    MetricSet out, part;
    out.gauge("a", "first", 1);
    part.gauge("a", "second", 2);
    part.gauge("b", "new", 3, {{"l", "x"}});
    BOOST_TEST(out.merge_new(std::move(part)) == std::vector<std::string>{"a"});
    BOOST_TEST(out.serialize() ==
               "# HELP a first\n# TYPE a gauge\na 1\n# HELP b new\n# TYPE b gauge\nb{l=\"x\"} 3\n");
}

BOOST_AUTO_TEST_SUITE_END()
