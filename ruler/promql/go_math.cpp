#include "ruler/promql/go_math.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

namespace stackwatch::promql::go_math {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Go picks the fused path of Exp once, from the CPU's features.
bool use_fma() {
    static const bool fused = __builtin_cpu_supports("avx") && __builtin_cpu_supports("fma");
    return fused;
}

// The Taylor coefficients 1/n! for n = 8 down to 3, then 1/2 and 1: Exp evaluates
// e^(r/16) - 1 with them and squares the result back up four times.
constexpr double kExpCoefficients[] = {2.4801587301587301587e-5,
                                       1.9841269841269841270e-4,
                                       1.3888888888888888889e-3,
                                       8.3333333333333333333e-3,
                                       4.1666666666666666667e-2,
                                       1.6666666666666666667e-1,
                                       0.5,
                                       1.0};

}  // namespace

// Shibata's method (SLEEF) as Go's exp_amd64.s has it: k = round(x / ln 2) in the CPU's
// rounding (to nearest), r = x - k ln 2 in two parts, e^r from a series in r/16 squared four
// times, then scaled by 2^k; results below 2^-1022 are 0, as in Go.
double exp(double x) {
    if (std::isnan(x) || x == kInf) return x;
    if (x == -kInf) return 0;
    if (x > 7.09782712893384e+02) return kInf;
    constexpr double kLog2e = 1.4426950408889634073599246810018920;
    constexpr double kLn2Upper = 0.69314718055966295651160180568695068359375;
    constexpr double kLn2Lower = 0.28235290563031577122588448175013436025525412068e-12;
    double scaled = kLog2e * x;
    // CVTSD2SL: the nearest integer, or INT32_MIN when it does not fit.
    std::int32_t k = scaled >= -2147483648.5 && scaled < 2147483647.5
                         ? static_cast<std::int32_t>(std::nearbyint(scaled))
                         : std::numeric_limits<std::int32_t>::min();
    double kd = k;
    double r = x, y = 0;
    if (use_fma()) {
        r = std::fma(-kLn2Upper, kd, r);
        r = std::fma(-kLn2Lower, kd, r);
        r *= 0.0625;
        double p = kExpCoefficients[0];
        for (int i = 1; i < 8; ++i) p = std::fma(p, r, kExpCoefficients[i]);
        y = r * p;
        for (int i = 0; i < 3; ++i) y *= y + 2.0;
        y = std::fma(y, y + 2.0, 1.0);
    } else {
        r -= kLn2Upper * kd;
        r -= kLn2Lower * kd;
        r *= 0.0625;
        double p = kExpCoefficients[0];
        for (int i = 1; i < 8; ++i) p = p * r + kExpCoefficients[i];
        y = r * p;
        for (int i = 0; i < 4; ++i) y *= y + 2.0;
        y += 1.0;
    }
    std::int64_t biased = std::int64_t{k} + 0x3FF;
    if (biased <= 0) return 0;
    if (biased >= 0x7FF) return kInf;
    return y * std::bit_cast<double>(static_cast<std::uint64_t>(biased) << 52);
}

// FreeBSD's e_log.c as Go's log_amd64.s has it: x = f1 * 2^k with f1 in (sqrt(2)/2, sqrt(2)],
// s = f / (2 + f) for f = f1 - 1, and a polynomial in s^2 split into odd and even terms. The
// fraction comes from the bits directly, so subnormal inputs take Go's path too.
double log(double x) {
    constexpr double kHalfSqrt2 = 7.07106781186547524401e-01;
    constexpr double kLn2Hi = 6.93147180369123816490e-01;
    constexpr double kLn2Lo = 1.90821492927058770002e-10;
    constexpr double L1 = 6.666666666666735130e-01, L2 = 3.999999999940941908e-01,
                     L3 = 2.857142874366239149e-01, L4 = 2.222219843214978396e-01,
                     L5 = 1.818357216161805012e-01, L6 = 1.531383769920937332e-01,
                     L7 = 1.479819860511658591e-01;
    auto bits = std::bit_cast<std::uint64_t>(x);
    if ((bits & ~(std::uint64_t{1} << 63)) == 0) return -kInf;
    if (std::bit_cast<std::int64_t>(bits) < 0) return std::numeric_limits<double>::quiet_NaN();
    if (bits >= std::bit_cast<std::uint64_t>(kInf)) return x;
    double f1 = std::bit_cast<double>((bits & 0x000FFFFFFFFFFFFF) | 0x3FE0000000000000);
    double k = static_cast<double>(static_cast<std::int64_t>((bits >> 52) & 0x7FF) - 0x3FE);
    if (!(kHalfSqrt2 < f1)) {
        k -= 1;
        f1 *= 2;
    }
    double f = f1 - 1;
    double s = f / (2 + f);
    double s2 = s * s;
    double s4 = s2 * s2;
    double t1 = s2 * (((L7 * s4 + L5) * s4 + L3) * s4 + L1);
    double t2 = s4 * ((L6 * s4 + L4) * s4 + L2);
    double hfsq = 0.5 * f * f;
    double tail = s * (t1 + t2 + hfsq) + k * kLn2Lo;
    return k * kLn2Hi - ((hfsq - tail) - f);
}

// Exact powers of two give exact answers; the rest log(frac) / ln 2 + exp.
double log2(double x) {
    constexpr double kLog2e = 1.4426950408889634073599246810018921374266459541530;
    if (x == 0 || !std::isfinite(x)) return log(x) * kLog2e;
    int exponent = 0;
    double frac = std::frexp(x, &exponent);
    if (frac == 0.5) return exponent - 1;
    return log(frac) * kLog2e + exponent;
}

// 1/ln(10), rounded once from the exact value as Go's constant arithmetic does (the quotient of
// the rounded std::numbers::ln10 is one ulp off).
double log10(double x) {
    return log(x) * 0.43429448190325182765112891891660508229439700580367;
}

namespace {

// Cephes's rational approximation of atan on [0, 0.66].
double atan_reduced(double x) {
    constexpr double P0 = -8.750608600031904122785e-01, P1 = -1.615753718733365076637e+01,
                     P2 = -7.500855792314704667340e+01, P3 = -1.228866684490136173410e+02,
                     P4 = -6.485021904942025371773e+01, Q0 = +2.485846490142306297962e+01,
                     Q1 = +1.650270098316988542046e+02, Q2 = +4.328810604912902668951e+02,
                     Q3 = +4.853903996359136964868e+02, Q4 = +1.945506571482613964425e+02;
    double z = x * x;
    z = z * ((((P0 * z + P1) * z + P2) * z + P3) * z + P4) /
        (((((z + Q0) * z + Q1) * z + Q2) * z + Q3) * z + Q4);
    return x * z + x;
}

// A positive argument reduced to [0, 0.66] by atan(x) = pi/2 - atan(1/x) or
// pi/4 + atan((x-1)/(x+1)); pi/2 carries its next bits in kMoreBits.
double atan_positive(double x) {
    constexpr double kMoreBits = 6.123233995736765886130e-17;
    constexpr double kTan3Pi8 = 2.41421356237309504880;
    if (x <= 0.66) return atan_reduced(x);
    if (x > kTan3Pi8) return std::numbers::pi / 2 - atan_reduced(1 / x) + kMoreBits;
    return std::numbers::pi / 4 + atan_reduced((x - 1) / (x + 1)) + 0.5 * kMoreBits;
}

}  // namespace

double atan(double x) {
    if (x == 0) return x;
    return x > 0 ? atan_positive(x) : -atan_positive(-x);
}

// Through the arctangent of x / sqrt(1 - x^2), or of its inverse near 1.
// The special cases first, in Go's order, then the quadrant from the signs.
double atan2(double y, double x) {
    constexpr double kPi = std::numbers::pi;
    if (std::isnan(y) || std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
    if (y == 0) return x >= 0 && !std::signbit(x) ? std::copysign(0.0, y) : std::copysign(kPi, y);
    if (x == 0) return std::copysign(kPi / 2, y);
    if (std::isinf(x)) {
        if (x > 0) return std::copysign(std::isinf(y) ? kPi / 4 : 0.0, y);
        return std::copysign(std::isinf(y) ? 3 * kPi / 4 : kPi, y);
    }
    if (std::isinf(y)) return std::copysign(kPi / 2, y);
    double q = atan(y / x);
    if (x < 0) return q <= 0 ? q + kPi : q - kPi;
    return q;
}

double asin(double x) {
    if (x == 0) return x;
    bool negative = x < 0;
    if (negative) x = -x;
    if (x > 1) return std::numeric_limits<double>::quiet_NaN();
    double root = std::sqrt(1 - x * x);
    double angle =
        x > 0.7 ? std::numbers::pi / 2 - atan_positive(root / x) : atan_positive(x / root);
    return negative ? -angle : angle;
}

double acos(double x) {
    return std::numbers::pi / 2 - asin(x);
}

// Hart & Cheney's rational approximation (#2029) below 0.5, e^x and its inverse above.
double sinh(double x) {
    constexpr double P0 = -0.6307673640497716991184787251e+6,
                     P1 = -0.8991272022039509355398013511e+5,
                     P2 = -0.2894211355989563807284660366e+4, P3 = -0.2630563213397497062819489e+2,
                     Q0 = -0.6307673640497716991212077277e+6,
                     Q1 = 0.1521517378790019070696485176e+5, Q2 = -0.173678953558233699533450911e+3;
    bool negative = x < 0;
    if (negative) x = -x;
    double result = 0;
    if (x > 21) {
        result = exp(x) * 0.5;
    } else if (x > 0.5) {
        double ex = exp(x);
        result = (ex - 1 / ex) * 0.5;
    } else {
        double sq = x * x;
        result = (((P3 * sq + P2) * sq + P1) * sq + P0) * x;
        result = result / (((sq + Q2) * sq + Q1) * sq + Q0);
    }
    return negative ? -result : result;
}

double cosh(double x) {
    x = std::fabs(x);
    if (x > 21) return exp(x) * 0.5;
    double ex = exp(x);
    return (ex + 1 / ex) * 0.5;
}

// Cephes: x + x^3 P(x^2)/Q(x^2) below 0.625, 1 - 2/(e^2x + 1) above, +-1 past log(2^127)/2.
double tanh(double x) {
    constexpr double kMaxLog = 8.8029691931113054295988e+01;
    constexpr double P0 = -9.64399179425052238628E-1, P1 = -9.92877231001918586564E1,
                     P2 = -1.61468768441708447952E3, Q0 = 1.12811678491632931402E2,
                     Q1 = 2.23548839060100448583E3, Q2 = 4.84406305325125486048E3;
    double z = std::fabs(x);
    if (z > 0.5 * kMaxLog) return x < 0 ? -1 : 1;
    if (z >= 0.625) {
        double s = exp(2 * z);
        z = 1 - 2 / (s + 1);
        return x < 0 ? -z : z;
    }
    if (x == 0) return x;
    double s = x * x;
    return x + x * s * ((P0 * s + P1) * s + P2) / (((s + Q0) * s + Q1) * s + Q2);
}

// FreeBSD's s_log1p.c as Go has it: 1 + x = 2^k * (1 + f) with a correction term c for the
// rounding of 1 + x, then log(1 + f) from the same series as log.
double log1p(double x) {
    constexpr double kSqrt2Minus1 = 4.142135623730950488017e-01;
    constexpr double kHalfSqrt2Minus1 = -2.928932188134524755992e-01;
    constexpr double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;
    constexpr double L1 = 6.666666666666735130e-01, L2 = 3.999999999940941908e-01,
                     L3 = 2.857142874366239149e-01, L4 = 2.222219843214978396e-01,
                     L5 = 1.818357216161805012e-01, L6 = 1.531383769920937332e-01,
                     L7 = 1.479819860511658591e-01;
    if (x < -1 || std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
    if (x == -1) return -kInf;
    if (x == kInf) return kInf;
    double magnitude = std::fabs(x);
    double f = 0, c = 0;
    std::uint64_t mantissa_bits = 0;
    int k = 1;
    if (magnitude < kSqrt2Minus1) {
        if (magnitude < 0x1p-29) return magnitude < 0x1p-54 ? x : x - x * x * 0.5;
        if (x > kHalfSqrt2Minus1) {
            k = 0;
            f = x;
            mantissa_bits = 1;
        }
    }
    if (k != 0) {
        double u = x;
        if (magnitude < 0x1p53) {
            u = 1.0 + x;
            mantissa_bits = std::bit_cast<std::uint64_t>(u);
            k = static_cast<int>((mantissa_bits >> 52) - 1023);
            c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0);
            c /= u;
        } else {
            mantissa_bits = std::bit_cast<std::uint64_t>(u);
            k = static_cast<int>((mantissa_bits >> 52) - 1023);
        }
        mantissa_bits &= 0x000fffffffffffff;
        if (mantissa_bits < 0x0006a09e667f3bcd) {  // below sqrt(2)'s mantissa
            u = std::bit_cast<double>(mantissa_bits | 0x3ff0000000000000);
        } else {
            ++k;
            u = std::bit_cast<double>(mantissa_bits | 0x3fe0000000000000);
            mantissa_bits = (0x0010000000000000 - mantissa_bits) >> 2;
        }
        f = u - 1.0;
    }
    double hfsq = 0.5 * f * f;
    double kd = k;
    if (mantissa_bits == 0) {  // |f| < 2^-20
        if (f == 0) {
            if (k == 0) return 0;
            c += kd * kLn2Lo;
            return kd * kLn2Hi + c;
        }
        double r = hfsq * (1.0 - 0.66666666666666666 * f);
        if (k == 0) return f - r;
        return kd * kLn2Hi - ((r - (kd * kLn2Lo + c)) - f);
    }
    double s = f / (2.0 + f);
    double z = s * s;
    double r = z * (L1 + z * (L2 + z * (L3 + z * (L4 + z * (L5 + z * (L6 + z * L7))))));
    if (k == 0) return f - (hfsq - s * (hfsq + r));
    return kd * kLn2Hi - ((hfsq - (s * (hfsq + r) + (kd * kLn2Lo + c))) - f);
}

double asinh(double x) {
    constexpr double kLn2 = 6.93147180559945286227e-01;
    if (std::isnan(x) || std::isinf(x)) return x;
    bool negative = x < 0;
    if (negative) x = -x;
    double y = 0;
    if (x > 0x1p28) {
        y = log(x) + kLn2;
    } else if (x > 2) {
        y = log(2 * x + 1 / (std::sqrt(x * x + 1) + x));
    } else if (x < 0x1p-28) {
        y = x;
    } else {
        y = log1p(x + x * x / (1 + std::sqrt(1 + x * x)));
    }
    return negative ? -y : y;
}

double acosh(double x) {
    constexpr double kLn2 = 6.93147180559945286227e-01;
    if (x < 1 || std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
    if (x == 1) return 0;
    if (x >= 0x1p28) return log(x) + kLn2;
    if (x > 2) return log(2 * x - 1 / (x + std::sqrt(x * x - 1)));
    double t = x - 1;
    return log1p(t + std::sqrt(2 * t + t * t));
}

double atanh(double x) {
    if (x < -1 || x > 1 || std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
    if (x == 1 || x == -1) return std::copysign(kInf, x);
    bool negative = x < 0;
    if (negative) x = -x;
    double y = x;
    if (x >= 0x1p-28) {
        if (x < 0.5) {
            double twice = x + x;
            y = 0.5 * log1p(twice + twice * x / (1 - x));
        } else {
            y = 0.5 * log1p((x + x) / (1 - x));
        }
    }
    return negative ? -y : y;
}

namespace {

// x/(pi/4) as an even octant j and the remainder z = x - j*pi/4, for x >= 0. Below 2^29, pi/4
// in three parts (Cephes's extended-precision reduction) is exact enough; above, y*kPi4A would
// need more than 53 bits, so Payne-Hanek reduction multiplies the mantissa by the bits of 4/pi
// that matter for its exponent ("Argument reduction for huge arguments: good to the last bit",
// K. C. Ng, 1992), as Go does.
struct Octant {
    std::uint64_t j;
    double z;
};

// 4/pi = sum of kFourOverPiBits[i] * 2^(-64 i): 1217 bits, enough for the largest exponent.
constexpr std::uint64_t kFourOverPiBits[] = {
    0x0000000000000001, 0x45f306dc9c882a53, 0xf84eafa3ea69bb81, 0xb6c52b3278872083,
    0xfca2c757bd778ac3, 0x6e48dc74849ba5c0, 0x0c925dd413a32439, 0xfc3bd63962534e7d,
    0xd1046bea5d768909, 0xd338e04d68befc82, 0x7323ac7306a673e9, 0x3908bf177bf25076,
    0x3ff12fffbc0b301f, 0xde5e2316b414da3e, 0xda6cfd9e4f96136e, 0x9e8c7ecd3cbfd45a,
    0xea4f758fd7cbe2f6, 0x7a0e73ef14a525d4, 0xd7f6bf623f1aba10, 0xac06608df8f6d757,
};

Octant reduce_huge_to_octant(double x) {
    constexpr int kMantissaBits = 52, kExponentBias = 1023;
    auto bits = std::bit_cast<std::uint64_t>(x);
    int exponent =
        static_cast<int>((bits >> kMantissaBits) & 0x7ff) - kExponentBias - kMantissaBits;
    std::uint64_t mantissa = (bits & 0x000fffffffffffff) | (std::uint64_t{1} << kMantissaBits);
    // The three 64-bit digits of 4/pi whose product with the mantissa has its leading digit at
    // 2^-61: the integer part mod 8 and the fraction, and nothing the mantissa cannot change.
    auto digit = static_cast<unsigned>(exponent + 61) / 64;
    auto shift = static_cast<unsigned>(exponent + 61) % 64;
    auto window = [&](unsigned i) {
        std::uint64_t high = kFourOverPiBits[i] << shift;
        return shift == 0 ? high : high | (kFourOverPiBits[i + 1] >> (64 - shift));
    };
    using u128 = unsigned __int128;
    u128 low_product = static_cast<u128>(window(digit + 2)) * mantissa;
    u128 middle_product = static_cast<u128>(window(digit + 1)) * mantissa;
    std::uint64_t top_product = window(digit) * mantissa;
    u128 sum = middle_product + static_cast<std::uint64_t>(low_product >> 64);
    auto lo = static_cast<std::uint64_t>(sum);
    std::uint64_t hi = top_product + static_cast<std::uint64_t>(sum >> 64);
    std::uint64_t j = hi >> 61;
    hi = hi << 3 | lo >> 61;
    auto leading_zeros = static_cast<unsigned>(std::countl_zero(hi));
    auto fraction_exponent = static_cast<std::uint64_t>(kExponentBias - (leading_zeros + 1));
    hi = (hi << (leading_zeros + 1)) | (lo >> (64 - (leading_zeros + 1)));
    hi >>= 64 - kMantissaBits;
    double z = std::bit_cast<double>(hi | fraction_exponent << kMantissaBits);
    if ((j & 1) == 1) {
        j = (j + 1) & 7;
        z -= 1;
    }
    return {j, z * (std::numbers::pi / 4)};
}

Octant reduce_to_octant(double x) {
    constexpr double kPayneHanekFrom = 0x1p29;
    if (x >= kPayneHanekFrom) return reduce_huge_to_octant(x);
    constexpr double kPi4A = 7.85398125648498535156e-1, kPi4B = 3.77489470793079817668e-8,
                     kPi4C = 2.69515142907905952645e-15;
    constexpr double kFourOverPi = 1.27323954473516268615107010698011489627567716592365;
    auto j = static_cast<std::uint64_t>(x * kFourOverPi);
    auto y = static_cast<double>(j);
    if ((j & 1) == 1) {
        ++j;
        ++y;
    }
    return {j, ((x - y * kPi4A) - y * kPi4B) - y * kPi4C};
}

double sine_series(double z, double zz) {
    constexpr double S0 = 1.58962301576546568060e-10, S1 = -2.50507477628578072866e-8,
                     S2 = 2.75573136213857245213e-6, S3 = -1.98412698295895385996e-4,
                     S4 = 8.33333333332211858878e-3, S5 = -1.66666666666666307295e-1;
    return z + z * zz * (((((S0 * zz + S1) * zz + S2) * zz + S3) * zz + S4) * zz + S5);
}

double cosine_series(double zz) {
    constexpr double C0 = -1.13585365213876817300e-11, C1 = 2.08757008419747316778e-9,
                     C2 = -2.75573141792967388112e-7, C3 = 2.48015872888517045348e-5,
                     C4 = -1.38888888888730564116e-3, C5 = 4.16666666666665929218e-2;
    return 1.0 - 0.5 * zz +
           zz * zz * (((((C0 * zz + C1) * zz + C2) * zz + C3) * zz + C4) * zz + C5);
}

}  // namespace

double sin(double x) {
    if (x == 0 || std::isnan(x)) return x;
    if (std::isinf(x)) return std::numeric_limits<double>::quiet_NaN();
    bool negative = x < 0;
    if (negative) x = -x;
    auto [j, z] = reduce_to_octant(x);
    j &= 7;
    if (j > 3) {
        negative = !negative;
        j -= 4;
    }
    double zz = z * z;
    double y = j == 1 || j == 2 ? cosine_series(zz) : sine_series(z, zz);
    return negative ? -y : y;
}

double cos(double x) {
    if (std::isnan(x) || std::isinf(x)) return std::numeric_limits<double>::quiet_NaN();
    x = std::fabs(x);
    auto [j, z] = reduce_to_octant(x);
    j &= 7;
    bool negative = false;
    if (j > 3) {
        j -= 4;
        negative = !negative;
    }
    if (j > 1) negative = !negative;
    double zz = z * z;
    double y = j == 1 || j == 2 ? sine_series(z, zz) : cosine_series(zz);
    return negative ? -y : y;
}

double tan(double x) {
    constexpr double P0 = -1.30936939181383777646e4, P1 = 1.15351664838587416140e6,
                     P2 = -1.79565251976484877988e7, Q1 = 1.36812963470692954678e4,
                     Q2 = -1.32089234440210967447e6, Q3 = 2.50083801823357915839e7,
                     Q4 = -5.38695755929454629881e7;
    if (x == 0 || std::isnan(x)) return x;
    if (std::isinf(x)) return std::numeric_limits<double>::quiet_NaN();
    bool negative = x < 0;
    if (negative) x = -x;
    auto [j, z] = reduce_to_octant(x);
    double zz = z * z;
    double y = zz > 1e-14 ? z + z * (zz * ((P0 * zz + P1) * zz + P2) /
                                     ((((zz + Q1) * zz + Q2) * zz + Q3) * zz + Q4))
                          : z;
    if ((j & 2) == 2) y = -1 / y;
    return negative ? -y : y;
}

namespace {

bool is_odd_integer(double x) {
    double whole = 0;
    if (std::modf(x, &whole) != 0 || std::fabs(whole) >= 0x1p63) return false;
    return (static_cast<std::int64_t>(whole) & 1) == 1;
}

}  // namespace

// IEEE 754-2008's special cases in FreeBSD's order; then x^y = x^frac(y) * x^int(y), the
// fraction through exp(frac * log x) (moved to (-0.5, 0.5]), the integer part by repeated
// squaring of x's mantissa with its exponent kept apart.
double pow(double x, double y) {
    if (y == 0 || x == 1) return 1;
    if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<double>::quiet_NaN();
    if (x == 0) {
        if (y < 0) return is_odd_integer(y) ? std::copysign(kInf, x) : kInf;
        return is_odd_integer(y) ? x : 0;
    }
    if (std::isinf(y)) {
        if (x == -1) return 1;
        return (std::fabs(x) < 1) == (y > 0) ? 0 : kInf;
    }
    if (std::isinf(x)) {
        if (x < 0) return pow(1 / x, -y);  // pow(-0, -y)
        return y < 0 ? 0 : kInf;
    }
    if (y == 0.5) return std::sqrt(x);
    if (y == -0.5) return 1 / std::sqrt(x);
    double whole = 0;
    double fraction = std::modf(std::fabs(y), &whole);
    if (fraction != 0 && x < 0) return std::numeric_limits<double>::quiet_NaN();
    if (whole >= 0x1p63) {
        // An even power so large that only -1 escapes overflow or underflow.
        if (x == -1) return 1;
        return (std::fabs(x) < 1) == (y > 0) ? 0 : kInf;
    }
    double mantissa_power = 1;
    long exponent_power = 0;
    if (fraction != 0) {
        if (fraction > 0.5) {
            fraction--;
            whole++;
        }
        mantissa_power = exp(fraction * log(x));
    }
    int exponent = 0;
    double mantissa = std::frexp(x, &exponent);
    long x_exponent = exponent;
    for (auto i = static_cast<std::int64_t>(whole); i != 0; i >>= 1) {
        if (x_exponent < -(1L << 12) || (1L << 12) < x_exponent) {
            // Past any double's exponent: the result under- or overflows.
            exponent_power += x_exponent;
            break;
        }
        if ((i & 1) == 1) {
            mantissa_power *= mantissa;
            exponent_power += x_exponent;
        }
        mantissa *= mantissa;
        x_exponent <<= 1;
        if (mantissa < 0.5) {
            mantissa += mantissa;
            --x_exponent;
        }
    }
    if (y < 0) {
        mantissa_power = 1 / mantissa_power;
        exponent_power = -exponent_power;
    }
    if (exponent_power > 4096) exponent_power = 4096;  // ldexp's int; the result is inf either way
    if (exponent_power < -4096) exponent_power = -4096;
    return std::ldexp(mantissa_power, static_cast<int>(exponent_power));
}

}  // namespace stackwatch::promql::go_math
