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

BOOST_AUTO_TEST_CASE(trigonometric_special_cases) {
    BOOST_TEST(std::signbit(go_math::sin(-0.0)));
    BOOST_TEST(std::isnan(go_math::sin(kInf)));
    BOOST_TEST(std::isnan(go_math::cos(-kInf)));
    BOOST_TEST(go_math::cos(0) == 1.0);
    BOOST_TEST(std::signbit(go_math::tan(-0.0)));
    BOOST_TEST(std::isnan(go_math::tan(kNaN)));
}

// A wrong reduction of a huge argument is off by far more than rounding: close to the true values
// (computed with 4096 bits of precision) means the right bits of 4/pi were used.
BOOST_AUTO_TEST_CASE(huge_arguments_reduce_with_the_bits_of_four_over_pi) {
    struct Case {
        double x, sin, cos, tan;
    };
    const Case cases[] = {
        {0x1p29, 0.32656766301856334, -0.94517382606089662, -0.34551069233430392},
        {0x1p30, -0.61732641504604217, 0.78670712294118812, -0.78469661331920043},
        {0x1p120, 0.37782010936075202, -0.92587902285483787, -0.40806638884180424},
        {0x1p480, 0.95917070894368716, -0.28282777640193788, -3.39135965054779932},
        {1234567891234567 * 0x1p300, -0.60718488235646949, -0.79456058210671406,
         0.76417695016604922},
        {std::numeric_limits<double>::max(), 0.00496195478918406, -0.99998768942655994,
         -0.00496201587444489},
    };
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT("x = " << c.x) {
            BOOST_TEST(go_math::sin(c.x) == c.sin, boost::test_tools::tolerance(1e-14));
            BOOST_TEST(go_math::sin(-c.x) == -c.sin, boost::test_tools::tolerance(1e-14));
            BOOST_TEST(go_math::cos(c.x) == c.cos, boost::test_tools::tolerance(1e-14));
            BOOST_TEST(go_math::tan(c.x) == c.tan, boost::test_tools::tolerance(1e-14));
        }
    }
}

BOOST_AUTO_TEST_CASE(log1p_and_inverse_hyperbolic_special_cases) {
    BOOST_TEST(go_math::log1p(-1) == -kInf);
    BOOST_TEST(std::isnan(go_math::log1p(-2)));
    BOOST_TEST(go_math::log1p(kInf) == kInf);
    BOOST_TEST(std::signbit(go_math::log1p(-0.0)));
    BOOST_TEST(go_math::log1p(0x1p-60) == 0x1p-60);
    BOOST_TEST(go_math::asinh(-kInf) == -kInf);
    BOOST_TEST(std::signbit(go_math::asinh(-0.0)));
    BOOST_TEST(go_math::acosh(1) == 0.0);
    BOOST_TEST(std::isnan(go_math::acosh(0.5)));
    BOOST_TEST(go_math::atanh(1) == kInf);
    BOOST_TEST(go_math::atanh(-1) == -kInf);
    BOOST_TEST(std::isnan(go_math::atanh(1.5)));
}

BOOST_AUTO_TEST_CASE(atan2_special_cases_in_go_order) {
    constexpr double kPi = std::numbers::pi;
    BOOST_TEST(std::isnan(go_math::atan2(kNaN, 1)));
    BOOST_TEST(std::signbit(go_math::atan2(-0.0, 2)));
    BOOST_TEST(go_math::atan2(0.0, -0.0) == kPi);
    BOOST_TEST(go_math::atan2(-0.0, -1) == -kPi);
    BOOST_TEST(go_math::atan2(-3, 0) == -kPi / 2);
    BOOST_TEST(go_math::atan2(kInf, kInf) == kPi / 4);
    BOOST_TEST(go_math::atan2(-kInf, -kInf) == -3 * kPi / 4);
    BOOST_TEST(go_math::atan2(5, -kInf) == kPi);
    BOOST_TEST(go_math::atan2(-kInf, 7) == -kPi / 2);
    BOOST_TEST(go_math::atan2(1, -1) == 3 * kPi / 4);
    BOOST_TEST(go_math::atan2(-1, -1) == -3 * kPi / 4);
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
