#include "ruler/rules/retention.hpp"

#include <boost/test/unit_test.hpp>

using namespace std::chrono_literals;
using stackwatch::ruler::max_lookback;

BOOST_AUTO_TEST_SUITE(retention)

BOOST_AUTO_TEST_CASE(the_window_is_the_furthest_any_expression_reads) {
    BOOST_TEST(max_lookback(std::vector<std::string>{}).count() == 0);
    BOOST_TEST(max_lookback({"up", "rate(http_requests_total[5m])"}) == 5min);
    BOOST_TEST(max_lookback({"rate(x[5m])", "sum_over_time(y[1h] offset 10m)"}) == 70min);
    // A subquery reads its range back from each of its steps' own ranges.
    BOOST_TEST(max_lookback({"max_over_time(rate(z[2m])[30m:1m] offset 5m)", "x"}) == 37min);
    BOOST_TEST(max_lookback({"x offset 2h", "absent(y)"}) == 120min);
    // Expressions that do not parse are reported by loading; they read nothing here.
    BOOST_TEST(max_lookback({"rate(x[5m]", "rate(x[3m])"}) == 3min);
}

BOOST_AUTO_TEST_SUITE_END()
