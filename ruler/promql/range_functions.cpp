#include <cmath>

#include "ruler/promql/function_args.hpp"
#include "ruler/promql/function_tables.hpp"

namespace stackwatch::promql {

namespace {

constexpr auto V = ValueType::vector;
constexpr auto M = ValueType::matrix;
constexpr auto S = ValueType::scalar;

// rate(), increase() and delta(): the change over the samples, extrapolated towards the window
// edges when the samples reach close enough to them.
Value extrapolated_rate(const FunctionCall& c, bool is_counter, bool is_rate) {
    double range_seconds = static_cast<double>(c.range_end - c.range_start) / 1000;
    return map_series(matrix_arg(c, 0), c.t, [&](const Series& s) -> std::optional<double> {
        const auto& pts = s.samples;
        if (pts.size() < 2) return std::nullopt;
        double result = pts.back().v - pts.front().v;
        if (is_counter) {
            double last = 0;
            for (const auto& p : pts) {
                if (p.v < last) result += last;  // a counter reset: count what was lost
                last = p.v;
            }
        }
        double to_start = static_cast<double>(pts.front().t - c.range_start) / 1000;
        double to_end = static_cast<double>(c.range_end - pts.back().t) / 1000;
        double sampled = static_cast<double>(pts.back().t - pts.front().t) / 1000;
        double average_gap = sampled / static_cast<double>(pts.size() - 1);
        if (is_counter && result > 0 && pts.front().v >= 0) {
            // Counters start at zero: never extrapolate below it.
            double to_zero = sampled * (pts.front().v / result);
            if (to_zero < to_start) to_start = to_zero;
        }
        double threshold = average_gap * 1.1;
        double interval = sampled;
        interval += to_start < threshold ? to_start : average_gap / 2;
        interval += to_end < threshold ? to_end : average_gap / 2;
        // One factor, then one multiplication, as Prometheus 2.42 orders it (the last digit
        // depends on it).
        double factor = interval / sampled;
        if (is_rate) factor /= range_seconds;
        return result * factor;
    });
}

Value rate(const FunctionCall& c) {
    return extrapolated_rate(c, true, true);
}
Value increase(const FunctionCall& c) {
    return extrapolated_rate(c, true, false);
}
Value delta(const FunctionCall& c) {
    return extrapolated_rate(c, false, false);
}

// irate() and idelta(): from the last two samples only.
Value instant_value(const FunctionCall& c, bool is_rate) {
    return map_series(matrix_arg(c, 0), c.t, [&](const Series& s) -> std::optional<double> {
        const auto& pts = s.samples;
        if (pts.size() < 2) return std::nullopt;
        const Sample& last = pts.back();
        const Sample& prev = pts[pts.size() - 2];
        double result = is_rate && last.v < prev.v ? last.v : last.v - prev.v;
        auto interval = last.t - prev.t;
        if (interval == 0) return std::nullopt;
        if (is_rate) result /= static_cast<double>(interval) / 1000;
        return result;
    });
}

Value irate(const FunctionCall& c) {
    return instant_value(c, true);
}
Value idelta(const FunctionCall& c) {
    return instant_value(c, false);
}

struct Regression {
    double slope;
    double intercept;
};

// Least squares over (seconds since intercept_time, value).
Regression linear_regression(const std::vector<Sample>& pts, Timestamp intercept_time) {
    double n = 0, sum_x = 0, c_x = 0, sum_y = 0, c_y = 0, sum_xy = 0, c_xy = 0, sum_x2 = 0,
           c_x2 = 0;
    bool constant_y = true;
    double first_y = pts.front().v;
    for (const auto& p : pts) {
        if (p.v != first_y) constant_y = false;
        n += 1;
        double x = static_cast<double>(p.t - intercept_time) / 1000;
        kahan_add(x, sum_x, c_x);
        kahan_add(p.v, sum_y, c_y);
        kahan_add(x * p.v, sum_xy, c_xy);
        kahan_add(x * x, sum_x2, c_x2);
    }
    // Exactly flat input has slope 0 even where rounding would make the formula drift.
    if (constant_y) {
        if (std::isinf(first_y)) return {NAN, NAN};
        return {0, first_y};
    }
    sum_x += c_x;
    sum_y += c_y;
    sum_xy += c_xy;
    sum_x2 += c_x2;
    double cov_xy = sum_xy - sum_x * sum_y / n;
    double var_x = sum_x2 - sum_x * sum_x / n;
    double slope = cov_xy / var_x;
    return {slope, sum_y / n - slope * sum_x / n};
}

Value deriv(const FunctionCall& c) {
    return map_series(matrix_arg(c, 0), c.t, [&](const Series& s) -> std::optional<double> {
        if (s.samples.size() < 2) return std::nullopt;
        return linear_regression(s.samples, s.samples.front().t).slope;
    });
}

Value predict_linear(const FunctionCall& c) {
    double seconds = scalar_arg(c, 1);
    return map_series(matrix_arg(c, 0), c.t, [&](const Series& s) -> std::optional<double> {
        if (s.samples.size() < 2) return std::nullopt;
        Regression r = linear_regression(s.samples, c.t);
        return r.slope * seconds + r.intercept;
    });
}

Value holt_winters(const FunctionCall& c) {
    double sf = scalar_arg(c, 1);
    double tf = scalar_arg(c, 2);
    if (!(sf > 0 && sf < 1))
        throw EvalError("invalid smoothing factor. Expected: 0 < sf < 1, got: " + format_float(sf));
    if (!(tf > 0 && tf < 1))
        throw EvalError("invalid trend factor. Expected: 0 < tf < 1, got: " + format_float(tf));
    return map_series(matrix_arg(c, 0), c.t, [&](const Series& s) -> std::optional<double> {
        const auto& pts = s.samples;
        if (pts.size() < 2) return std::nullopt;
        double s0 = 0, s1 = pts[0].v, trend = pts[1].v - pts[0].v;
        for (std::size_t i = 1; i < pts.size(); ++i) {
            if (i > 1) trend = tf * (s1 - s0) + (1 - tf) * trend;
            double smoothed = sf * pts[i].v + (1 - sf) * (s1 + trend);
            s0 = s1;
            s1 = smoothed;
        }
        return s1;
    });
}

Value changes(const FunctionCall& c) {
    return map_series(matrix_arg(c, 0), c.t, [](const Series& s) -> std::optional<double> {
        double n = 0;
        for (std::size_t i = 1; i < s.samples.size(); ++i) {
            double prev = s.samples[i - 1].v, cur = s.samples[i].v;
            if (cur != prev && !(std::isnan(cur) && std::isnan(prev))) ++n;
        }
        return n;
    });
}

Value resets(const FunctionCall& c) {
    return map_series(matrix_arg(c, 0), c.t, [](const Series& s) -> std::optional<double> {
        double n = 0;
        for (std::size_t i = 1; i < s.samples.size(); ++i)
            if (s.samples[i].v < s.samples[i - 1].v) ++n;
        return n;
    });
}

template <typename Fn>
Value over_time(const FunctionCall& c, Fn fn) {
    return map_series(matrix_arg(c, 0), c.t,
                      [&](const Series& s) -> std::optional<double> { return fn(s.samples); });
}

Value avg_over_time(const FunctionCall& c) {
    return over_time(c, [](const std::vector<Sample>& pts) {
        double mean = 0, comp = 0, count = 0;
        for (const auto& p : pts) {
            count += 1;
            if (std::isinf(mean)) {
                // Inf stays Inf unless the other infinity or NaN arrives.
                if (std::isinf(p.v) && (mean > 0) == (p.v > 0)) continue;
                if (!std::isinf(p.v) && !std::isnan(p.v)) continue;
            }
            kahan_add(p.v / count - mean / count, mean, comp);
        }
        return std::isinf(mean) ? mean : mean + comp;
    });
}

Value sum_over_time(const FunctionCall& c) {
    return over_time(c, [](const std::vector<Sample>& pts) {
        double sum = 0, comp = 0;
        for (const auto& p : pts) kahan_add(p.v, sum, comp);
        return std::isinf(sum) ? sum : sum + comp;
    });
}

Value count_over_time(const FunctionCall& c) {
    return over_time(
        c, [](const std::vector<Sample>& pts) { return static_cast<double>(pts.size()); });
}

Value min_over_time(const FunctionCall& c) {
    return over_time(c, [](const std::vector<Sample>& pts) {
        double v = pts.front().v;
        for (const auto& p : pts)
            if (p.v < v || std::isnan(v)) v = p.v;
        return v;
    });
}

Value max_over_time(const FunctionCall& c) {
    return over_time(c, [](const std::vector<Sample>& pts) {
        double v = pts.front().v;
        for (const auto& p : pts)
            if (p.v > v || std::isnan(v)) v = p.v;
        return v;
    });
}

double variance(const std::vector<Sample>& pts) {
    double count = 0, mean = 0, c_mean = 0, aux = 0, c_aux = 0;
    for (const auto& p : pts) {
        count += 1;
        double delta = p.v - (mean + c_mean);
        kahan_add(delta / count, mean, c_mean);
        kahan_add(delta * (p.v - (mean + c_mean)), aux, c_aux);
    }
    return (aux + c_aux) / count;
}

Value stdvar_over_time(const FunctionCall& c) {
    return over_time(c, variance);
}

Value stddev_over_time(const FunctionCall& c) {
    return over_time(c, [](const std::vector<Sample>& pts) { return std::sqrt(variance(pts)); });
}

Value quantile_over_time(const FunctionCall& c) {
    double q = scalar_arg(c, 0);
    FunctionCall shifted{c.call, {c.args[1]}, c.t, c.range_start, c.range_end};
    return over_time(shifted, [q](const std::vector<Sample>& pts) {
        std::vector<double> values;
        for (const auto& p : pts) values.push_back(p.v);
        return quantile(q, std::move(values));
    });
}

Value last_over_time(const FunctionCall& c) {
    return map_series(
        matrix_arg(c, 0), c.t,
        [](const Series& s) -> std::optional<double> { return s.samples.back().v; }, true);
}

Value present_over_time(const FunctionCall& c) {
    return over_time(c, [](const std::vector<Sample>&) { return 1.0; });
}

Value absent_over_time(const FunctionCall& c) {
    for (const auto& s : matrix_arg(c, 0))
        if (!s.samples.empty()) return Vector{};
    return Vector{VectorSample{labels_for_absent(*c.call.args[0]), c.t, 1}};
}

}  // namespace

std::vector<FunctionInfo> range_functions() {
    return {
        {"absent_over_time", {M}, 0, V, absent_over_time},
        {"avg_over_time", {M}, 0, V, avg_over_time},
        {"changes", {M}, 0, V, changes},
        {"count_over_time", {M}, 0, V, count_over_time},
        {"delta", {M}, 0, V, delta},
        {"deriv", {M}, 0, V, deriv},
        {"holt_winters", {M, S, S}, 0, V, holt_winters},
        {"idelta", {M}, 0, V, idelta},
        {"increase", {M}, 0, V, increase},
        {"irate", {M}, 0, V, irate},
        {"last_over_time", {M}, 0, V, last_over_time},
        {"max_over_time", {M}, 0, V, max_over_time},
        {"min_over_time", {M}, 0, V, min_over_time},
        {"predict_linear", {M, S}, 0, V, predict_linear},
        {"present_over_time", {M}, 0, V, present_over_time},
        {"quantile_over_time", {S, M}, 0, V, quantile_over_time},
        {"rate", {M}, 0, V, rate},
        {"resets", {M}, 0, V, resets},
        {"stddev_over_time", {M}, 0, V, stddev_over_time},
        {"stdvar_over_time", {M}, 0, V, stdvar_over_time},
        {"sum_over_time", {M}, 0, V, sum_over_time},
    };
}

}  // namespace stackwatch::promql
