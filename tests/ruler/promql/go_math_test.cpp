#include "ruler/promql/go_math.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <numbers>

namespace go_math = stackwatch::promql::go_math;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

// The bits of ordinary arguments are checked against promtool by differential.py; these are
// the special cases Go's math package documents.
BOOST_AUTO_TEST_SUITE(go_math_special_cases)

BOOST_AUTO_TEST_CASE(exp) {
    BOOST_TEST(go_math::exp(kInf) == kInf);
    BOOST_TEST(go_math::exp(-kInf) == 0.0);
    BOOST_TEST(std::isnan(go_math::exp(kNaN)));
    BOOST_TEST(go_math::exp(710) == kInf);
    BOOST_TEST(go_math::exp(-1e308) == 0.0);
    BOOST_TEST(go_math::exp(0) == 1.0);
    BOOST_TEST(go_math::exp(1) == std::numbers::e);
}

BOOST_AUTO_TEST_CASE(logarithms) {
    BOOST_TEST(go_math::log(kInf) == kInf);
    BOOST_TEST(go_math::log(0) == -kInf);
    BOOST_TEST(go_math::log(-0.0) == -kInf);
    BOOST_TEST(std::isnan(go_math::log(-1)));
    BOOST_TEST(std::isnan(go_math::log(kNaN)));
    BOOST_TEST(go_math::log(1) == 0.0);
    BOOST_TEST(go_math::log(std::numbers::e) == 1.0);
    // Exact powers of two and ten.
    BOOST_TEST(go_math::log2(1024) == 10.0);
    BOOST_TEST(go_math::log2(0.125) == -3.0);
    BOOST_TEST(go_math::log2(0) == -kInf);
    BOOST_TEST(std::isnan(go_math::log2(-kInf)));
    BOOST_TEST(go_math::log10(1000) == 3.0);
    BOOST_TEST(go_math::log10(kInf) == kInf);
}

BOOST_AUTO_TEST_CASE(atan) {
    BOOST_TEST(go_math::atan(kInf) == std::numbers::pi / 2);
    BOOST_TEST(go_math::atan(-kInf) == -std::numbers::pi / 2);
    BOOST_TEST(std::signbit(go_math::atan(-0.0)));
    BOOST_TEST(go_math::atan(1) == std::numbers::pi / 4);
    BOOST_TEST(std::isnan(go_math::atan(kNaN)));
}

BOOST_AUTO_TEST_CASE(hyperbolic_and_inverse) {
    BOOST_TEST(go_math::sinh(kInf) == kInf);
    BOOST_TEST(go_math::sinh(-kInf) == -kInf);
    BOOST_TEST(std::signbit(go_math::sinh(-0.0)));
    BOOST_TEST(go_math::cosh(0) == 1.0);
    BOOST_TEST(go_math::cosh(-kInf) == kInf);
    BOOST_TEST(go_math::tanh(kInf) == 1.0);
    BOOST_TEST(go_math::tanh(-kInf) == -1.0);
    BOOST_TEST(std::isnan(go_math::asin(1.5)));
    BOOST_TEST(go_math::asin(1) == std::numbers::pi / 2);
    BOOST_TEST(go_math::acos(1) == 0.0);
    BOOST_TEST(std::isnan(go_math::acos(-2)));
}

BOOST_AUTO_TEST_CASE(pow_in_ieee_order) {
    BOOST_TEST(go_math::pow(kNaN, 0) == 1.0);
    BOOST_TEST(go_math::pow(1, kNaN) == 1.0);
    BOOST_TEST(std::isnan(go_math::pow(2, kNaN)));
    BOOST_TEST(go_math::pow(-0.0, -3) == -kInf);
    BOOST_TEST(go_math::pow(0, -2) == kInf);
    BOOST_TEST(std::signbit(go_math::pow(-0.0, 3)));
    BOOST_TEST(go_math::pow(-1, kInf) == 1.0);
    BOOST_TEST(go_math::pow(0.5, kInf) == 0.0);
    BOOST_TEST(go_math::pow(2, -kInf) == 0.0);
    BOOST_TEST(go_math::pow(-kInf, 3) == -kInf);
    BOOST_TEST(go_math::pow(-kInf, -2) == 0.0);
    BOOST_TEST(std::isnan(go_math::pow(-8, 1.0 / 3)));
    BOOST_TEST(go_math::pow(-2, 3) == -8.0);
    BOOST_TEST(go_math::pow(2, 1e300) == kInf);
    BOOST_TEST(go_math::pow(2, -1074) == std::numeric_limits<double>::denorm_min());
    BOOST_TEST(go_math::pow(10, 308.5) == kInf);
}

BOOST_AUTO_TEST_SUITE_END()
