#include "ruler/promql/series_notation.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>

#include "ruler/promql/engine.hpp"

using namespace stackwatch::promql;

namespace {

std::vector<double> values(std::string_view text) {
    std::vector<double> out;
    for (const auto& v : parse_sequence_values(text)) out.push_back(v.omitted ? -999 : v.value);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(series_notation)

BOOST_AUTO_TEST_CASE(expanding_notation) {
    BOOST_TEST((values("0+10x3") == std::vector<double>{0, 10, 20, 30}));
    BOOST_TEST((values("5-2x2") == std::vector<double>{5, 3, 1}));
    BOOST_TEST((values("7x2") == std::vector<double>{7, 7, 7}));
    BOOST_TEST((values("-1-1x1 1e2 1e-1+1x1") == std::vector<double>{-1, -2, 100, 0.1, 1.1}));
    BOOST_TEST((values("1 _ 3 _x2") == std::vector<double>{1, -999, 3, -999, -999}));
}

BOOST_AUTO_TEST_CASE(special_values) {
    auto v = parse_sequence_values("stale Inf -Inf NaN");
    BOOST_TEST_REQUIRE(v.size() == 4u);
    BOOST_TEST(is_stale_marker(v[0].value));
    BOOST_TEST(v[1].value == INFINITY);
    BOOST_TEST(v[2].value == -INFINITY);
    BOOST_TEST(std::isnan(v[3].value));
    BOOST_TEST(!is_stale_marker(v[3].value));
}

BOOST_AUTO_TEST_CASE(series_descriptions) {
    auto d = parse_series_description(R"(http_requests{job="api", path="/a b"} 1 2)");
    BOOST_TEST(d.labels.to_string() == R"(http_requests{job="api", path="/a b"})");
    BOOST_TEST(d.values.size() == 2u);
    BOOST_TEST(parse_series_description(R"({__name__="up"} 1)").labels.get("__name__") == "up");
    BOOST_TEST(parse_series_description("{} 3").labels.empty());
    // A series without values, as promtool's input_series gives them apart.
    auto bare = parse_series_description(R"(up{job="x"})");
    BOOST_TEST(bare.labels.get("job") == "x");
    BOOST_TEST(bare.values.empty());
}

BOOST_AUTO_TEST_CASE(expansion_skips_omitted_values) {
    auto samples = expand_samples(parse_sequence_values("1 _ 3"), 1000, 10);
    BOOST_TEST_REQUIRE(samples.size() == 2u);
    BOOST_TEST(samples[1].t == 1020);
    BOOST_TEST(samples[1].v == 3);
}

BOOST_AUTO_TEST_CASE(malformed_lines_are_rejected_with_position) {
    try {
        parse_series_description("up 1 two");
        BOOST_FAIL("expected a ParseError");
    } catch (const ParseError& e) {
        BOOST_TEST(e.column() == 6);
    }
    BOOST_CHECK_THROW(parse_series_description(R"(up{job=~"a"} 1)"), ParseError);
    BOOST_CHECK_THROW(parse_sequence_values("1+2"), ParseError);
}

BOOST_AUTO_TEST_SUITE_END()
