#include "exporter/text_format.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>

using stackwatch::exporter::append_float;
using stackwatch::exporter::Exposition;
using stackwatch::exporter::MetricSet;

namespace {

std::string float_text(double value) {
    std::string out;
    append_float(out, value);
    return out;
}

std::shared_ptr<MetricSet> set_with(auto&& fill) {
    auto set = std::make_shared<MetricSet>();
    fill(*set);
    return set;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(text_format)

BOOST_AUTO_TEST_CASE(values_are_the_shortest_text_that_reads_back_exactly) {
    BOOST_TEST(float_text(42) == "42");
    BOOST_TEST(float_text(1e6) == "1000000");
    BOOST_TEST(float_text(-9007199254740991.0) == "-9007199254740991");
    BOOST_TEST(float_text(0.1) == "0.1");
    BOOST_TEST(float_text(-2.5) == "-2.5");
    BOOST_TEST(float_text(0.005547152) == "0.005547152");
    BOOST_TEST(float_text(std::numeric_limits<double>::infinity()) == "+Inf");
    BOOST_TEST(float_text(-std::numeric_limits<double>::infinity()) == "-Inf");
    BOOST_TEST(float_text(std::nan("")) == "NaN");
    for (double value : {1e-300, 123456789.123456789, 1.0 / 3, 9007199254740992.0, 1e21, -0.0})
        BOOST_TEST(std::stod(float_text(value)) == value);
}

BOOST_AUTO_TEST_CASE(label_values_and_help_are_escaped) {
    auto set = set_with([](MetricSet& s) {
        s.gauge("x", "back\\slash and\nnewline \"kept\"", 1, {{"path", "C:\\dir \"q\"\nnext"}});
    });
    std::string text = set->serialize();
    BOOST_TEST(text ==
                   "# HELP x back\\\\slash and\\nnewline \"kept\"\n# TYPE x gauge\n"
                   "x{path=\"C:\\\\dir \\\"q\\\"\\nnext\"} 1\n",
               text);
}

BOOST_AUTO_TEST_CASE(sets_share_one_header_per_family_and_add_their_labels) {
    auto a = set_with([](MetricSet& s) {
        s.gauge("pg_up", "up", 1);
        s.summary("lat", "window", {{0.5, 0.002}, {0.99, 0.01}}, 0.5, 100, {{"cmd", "get"}});
    });
    auto b = set_with([](MetricSet& s) {
        s.gauge("pg_up", "up", 0);
        s.histogram("h", "hist", {{0.1, 2}}, 1.5, 4, {{"k", "v"}});
    });
    Exposition exposition;
    exposition.add(a, {{"target", "one"}});
    exposition.add(b, {{"target", "two"}});
    std::string text = exposition.serialize();
    BOOST_TEST(
        text ==
            "# HELP pg_up up\n# TYPE pg_up gauge\n"
            "pg_up{target=\"one\"} 1\npg_up{target=\"two\"} 0\n"
            "# HELP lat window\n# TYPE lat summary\n"
            "lat{cmd=\"get\",target=\"one\",quantile=\"0.5\"} 0.002\n"
            "lat{cmd=\"get\",target=\"one\",quantile=\"0.99\"} 0.01\n"
            "lat_sum{cmd=\"get\",target=\"one\"} 0.5\nlat_count{cmd=\"get\",target=\"one\"} 100\n"
            "# HELP h hist\n# TYPE h histogram\n"
            "h_bucket{k=\"v\",target=\"two\",le=\"0.1\"} 2\n"
            "h_bucket{k=\"v\",target=\"two\",le=\"+Inf\"} 4\n"
            "h_sum{k=\"v\",target=\"two\"} 1.5\nh_count{k=\"v\",target=\"two\"} 4\n",
        text);
}

BOOST_AUTO_TEST_CASE(a_family_of_another_type_in_a_later_set_is_left_out) {
    auto a = set_with([](MetricSet& s) { s.gauge("x", "g", 1); });
    auto b = set_with([](MetricSet& s) {
        s.counter("x", "c", 2);
        s.gauge("y", "g", 3);
    });
    Exposition exposition;
    exposition.add(a);
    exposition.add(b);
    BOOST_TEST(exposition.serialize() ==
               "# HELP x g\n# TYPE x gauge\nx 1\n# HELP y g\n# TYPE y gauge\ny 3\n");
}

BOOST_AUTO_TEST_CASE(an_attached_set_is_written_with_its_parent_and_its_labels) {
    auto cached = set_with([](MetricSet& s) {
        s.gauge("pg_settings_x", "cached", 5);
        s.gauge("pg_up", "up", 7, {{"from", "cache"}});
    });
    MetricSet collected;
    collected.gauge("pg_up", "up", 1);
    collected.attach(cached);
    auto parent = std::make_shared<MetricSet>();
    parent->merge(std::move(collected));
    BOOST_TEST(parent->contains("pg_settings_x"));
    BOOST_TEST(parent->families().size() == 2u);
    Exposition exposition;
    exposition.add(parent, {{"target", "a"}});
    BOOST_TEST(exposition.serialize() ==
                   "# HELP pg_up up\n# TYPE pg_up gauge\npg_up{target=\"a\"} 1\n"
                   "pg_up{from=\"cache\",target=\"a\"} 7\n"
                   "# HELP pg_settings_x cached\n# TYPE pg_settings_x "
                   "gauge\npg_settings_x{target=\"a\"} 5\n",
               exposition.serialize());
    // A family the receiving set already has is left out of an attached set, which is then copied.
    MetricSet out;
    out.gauge("pg_settings_x", "first", 1);
    MetricSet part;
    part.attach(cached);
    BOOST_TEST(out.merge_new(std::move(part)) == std::vector<std::string>{"pg_settings_x"});
    BOOST_TEST(out.attached().empty());
    BOOST_TEST(out.contains("pg_up"));
}

BOOST_AUTO_TEST_CASE(an_attached_set_keeps_its_text_per_set_of_extra_labels) {
    auto cached = set_with([](MetricSet& s) {
        s.gauge("pg_settings_a", "cached a", 5);
        s.histogram("pg_settings_h", "cached h", {{0.5, 1}}, 0.25, 2, {{"k", "v"}});
    });
    auto scrape = [&](const std::string& target) {
        auto parent = std::make_shared<MetricSet>();
        parent->gauge("pg_up", "up", 1);
        parent->attach(cached);
        Exposition exposition;
        exposition.add(parent, {{"target", target}});
        return exposition.serialize();
    };
    auto expected = [](const std::string& target) {
        auto label = "target=\"" + target + "\"";
        return "# HELP pg_up up\n# TYPE pg_up gauge\npg_up{" + label + "} 1\n" +
               "# HELP pg_settings_a cached a\n# TYPE pg_settings_a gauge\npg_settings_a{" + label +
               "} 5\n# HELP pg_settings_h cached h\n# TYPE pg_settings_h histogram\n" +
               "pg_settings_h_bucket{k=\"v\"," + label + ",le=\"0.5\"} 1\n" +
               "pg_settings_h_bucket{k=\"v\"," + label + ",le=\"+Inf\"} 2\n" +
               "pg_settings_h_sum{k=\"v\"," + label + "} 0.25\n" + "pg_settings_h_count{k=\"v\"," +
               label + "} 2\n";
    };
    BOOST_TEST(scrape("a") == expected("a"));
    BOOST_TEST(scrape("b") == expected("b"));
    BOOST_TEST(scrape("a") == expected("a"));
}

BOOST_AUTO_TEST_SUITE_END()
