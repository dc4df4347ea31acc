#include <boost/test/unit_test.hpp>

#include "exporter/metric_set.hpp"

using stackwatch::exporter::MetricSet;

BOOST_AUTO_TEST_SUITE(metric_set)

BOOST_AUTO_TEST_CASE(one_family_per_name_with_help_and_type) {
    MetricSet set;
    set.gauge("pg_up", "Whether PostgreSQL answers.", 1, {{"target", "a"}});
    set.gauge("pg_up", "Whether PostgreSQL answers.", 0, {{"target", "b"}});
    set.counter("pg_stat_database_xact_commit", "Commits.", 42, {{"datname", "app"}});
    std::string text = set.serialize();
    BOOST_TEST(text.find("# HELP pg_up Whether PostgreSQL answers.\n# TYPE pg_up gauge\n"
                         "pg_up{target=\"a\"} 1\npg_up{target=\"b\"} 0\n") != std::string::npos, text);
    BOOST_TEST(text.find("# TYPE pg_stat_database_xact_commit counter\n"
                         "pg_stat_database_xact_commit{datname=\"app\"} 42\n") != std::string::npos, text);
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
    BOOST_TEST(text.find("redis_up 1\nredis_up{target=\"cache-2\"} 0\n") != std::string::npos, text);
    BOOST_TEST(text.find("lat_bucket{le=\"0.1\"} 2\n") != std::string::npos, text);
    BOOST_TEST(text.find("lat_bucket{le=\"+Inf\"} 4\n") != std::string::npos, text);
    BOOST_TEST(text.find("lat_count 4\n") != std::string::npos, text);
}

BOOST_AUTO_TEST_SUITE_END()
