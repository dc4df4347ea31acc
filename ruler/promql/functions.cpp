#include "ruler/promql/functions.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <unordered_map>

#include "ruler/promql/function_args.hpp"
#include "ruler/promql/quantile.hpp"
#include "ruler/promql/range_functions.hpp"

namespace stackwatch::promql {

namespace {

constexpr auto V = ValueType::vector;
constexpr auto S = ValueType::scalar;
constexpr auto Str = ValueType::string;

// Go's math.Max/math.Min: NaN wins, unlike std::fmax.
double go_max(double a, double b) {
    return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b);
}
double go_min(double a, double b) {
    return std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b);
}

template <typename Fn>
Vector map_values(const Vector& in, Fn fn) {
    Vector out;
    out.reserve(in.size());
    for (const auto& s : in)
        out.push_back(VectorSample{s.labels.without_metric_name(), s.t, fn(s.v)});
    return out;
}

// Element-wise math functions share one implementation, instantiated per operation.
template <double (*Op)(double)>
Value math_function(const FunctionCall& c) {
    return map_values(vector_arg(c, 0), Op);
}

double abs_(double v) {
    return std::fabs(v);
}
double ceil_(double v) {
    return std::ceil(v);
}
double floor_(double v) {
    return std::floor(v);
}
double exp_(double v) {
    return std::exp(v);
}
double sqrt_(double v) {
    return std::sqrt(v);
}
double ln_(double v) {
    return std::log(v);
}
double log2_(double v) {
    return std::log2(v);
}
double log10_(double v) {
    return std::log10(v);
}
double sgn_(double v) {
    return v < 0 ? -1 : v > 0 ? 1 : v;
}
double sin_(double v) {
    return std::sin(v);
}
double cos_(double v) {
    return std::cos(v);
}
double tan_(double v) {
    return std::tan(v);
}
double asin_(double v) {
    return std::asin(v);
}
double acos_(double v) {
    return std::acos(v);
}
double atan_(double v) {
    return std::atan(v);
}
double sinh_(double v) {
    return std::sinh(v);
}
double cosh_(double v) {
    return std::cosh(v);
}
double tanh_(double v) {
    return std::tanh(v);
}
double asinh_(double v) {
    return std::asinh(v);
}
double acosh_(double v) {
    return std::acosh(v);
}
double atanh_(double v) {
    return std::atanh(v);
}
double deg_(double v) {
    return v * 180 / std::numbers::pi;
}
double rad_(double v) {
    return v * std::numbers::pi / 180;
}

Value round_(const FunctionCall& c) {
    double to_nearest = c.args.size() > 1 ? scalar_arg(c, 1) : 1;
    double inverse = 1.0 / to_nearest;
    return map_values(vector_arg(c, 0),
                      [inverse](double v) { return std::floor(v * inverse + 0.5) / inverse; });
}

Value clamp(const FunctionCall& c) {
    double lo = scalar_arg(c, 1), hi = scalar_arg(c, 2);
    if (hi < lo) return Vector{};
    return map_values(vector_arg(c, 0), [=](double v) { return go_max(lo, go_min(hi, v)); });
}

Value clamp_max(const FunctionCall& c) {
    double hi = scalar_arg(c, 1);
    return map_values(vector_arg(c, 0), [=](double v) { return go_min(hi, v); });
}

Value clamp_min(const FunctionCall& c) {
    double lo = scalar_arg(c, 1);
    return map_values(vector_arg(c, 0), [=](double v) { return go_max(lo, v); });
}

// The date functions read a vector of Unix seconds, or the evaluation time when given nothing.
template <double (*Part)(std::chrono::sys_seconds)>
Value date_function(const FunctionCall& c) {
    Vector input = c.args.empty() ? Vector{VectorSample{{}, c.t, static_cast<double>(c.t) / 1000}}
                                  : vector_arg(c, 0);
    return map_values(input, [](double v) {
        return Part(std::chrono::sys_seconds(std::chrono::seconds(static_cast<std::int64_t>(v))));
    });
}

std::chrono::year_month_day civil(std::chrono::sys_seconds t) {
    return std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(t));
}
double year(std::chrono::sys_seconds t) {
    return static_cast<int>(civil(t).year());
}
double month(std::chrono::sys_seconds t) {
    return static_cast<unsigned>(civil(t).month());
}
double day_of_month(std::chrono::sys_seconds t) {
    return static_cast<unsigned>(civil(t).day());
}
double day_of_week(std::chrono::sys_seconds t) {
    return std::chrono::weekday(std::chrono::floor<std::chrono::days>(t)).c_encoding();
}
double day_of_year(std::chrono::sys_seconds t) {
    auto days = std::chrono::floor<std::chrono::days>(t);
    auto jan1 = std::chrono::sys_days(civil(t).year() / std::chrono::January / 1);
    return static_cast<double>((days - jan1).count() + 1);
}
double days_in_month(std::chrono::sys_seconds t) {
    auto ymd = civil(t);
    return static_cast<unsigned>(
        std::chrono::year_month_day_last(ymd.year(), std::chrono::month_day_last(ymd.month()))
            .day());
}
double hour(std::chrono::sys_seconds t) {
    return static_cast<double>((t - std::chrono::floor<std::chrono::days>(t)).count() / 3600);
}
double minute(std::chrono::sys_seconds t) {
    return static_cast<double>((t - std::chrono::floor<std::chrono::hours>(t)).count() / 60);
}

Value time_(const FunctionCall& c) {
    return Scalar{c.t, static_cast<double>(c.t) / 1000};
}
Value pi(const FunctionCall& c) {
    return Scalar{c.t, std::numbers::pi};
}

Value vector_(const FunctionCall& c) {
    return Vector{VectorSample{{}, c.t, scalar_arg(c, 0)}};
}

Value scalar_(const FunctionCall& c) {
    const Vector& v = vector_arg(c, 0);
    return Scalar{c.t, v.size() == 1 ? v.front().v : NAN};
}

Value timestamp(const FunctionCall& c) {
    Vector out;
    for (const auto& s : vector_arg(c, 0))
        out.push_back(
            VectorSample{s.labels.without_metric_name(), c.t, static_cast<double>(s.t) / 1000});
    return out;
}

// NaN goes last in both directions.
Value sort_by_value(const FunctionCall& c, bool descending) {
    Vector out = vector_arg(c, 0);
    std::stable_sort(out.begin(), out.end(),
                     [descending](const VectorSample& a, const VectorSample& b) {
                         if (std::isnan(a.v)) return false;
                         if (std::isnan(b.v)) return true;
                         return descending ? a.v > b.v : a.v < b.v;
                     });
    return out;
}
Value sort(const FunctionCall& c) {
    return sort_by_value(c, false);
}
Value sort_desc(const FunctionCall& c) {
    return sort_by_value(c, true);
}

Value absent(const FunctionCall& c) {
    if (!vector_arg(c, 0).empty()) return Vector{};
    return Vector{VectorSample{labels_for_absent(*c.call.args[0]), c.t, 1}};
}

// Go's Regexp.ExpandString: $1, ${1}, $name, ${name}; $$ is a literal dollar.
std::string expand_template(std::string_view tmpl, const RE2& re,
                            const std::vector<re2::StringPiece>& groups) {
    std::string out;
    const auto& named = re.NamedCapturingGroups();
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
        if (tmpl[i] != '$' || i + 1 >= tmpl.size()) {
            out += tmpl[i];
            continue;
        }
        if (tmpl[i + 1] == '$') {
            out += '$';
            ++i;
            continue;
        }
        bool braced = tmpl[i + 1] == '{';
        std::size_t start = i + (braced ? 2 : 1);
        std::size_t end = start;
        while (end < tmpl.size() &&
               (std::isalnum(static_cast<unsigned char>(tmpl[end])) || tmpl[end] == '_'))
            ++end;
        if (end == start || (braced && (end >= tmpl.size() || tmpl[end] != '}'))) {
            out += '$';  // malformed reference: Go keeps the dollar as text
            continue;
        }
        std::string name(tmpl.substr(start, end - start));
        int index = -1;
        if (std::all_of(name.begin(), name.end(),
                        [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); })) {
            index = name.size() < 9 ? std::stoi(name) : -1;
        } else if (auto it = named.find(name); it != named.end()) {
            index = it->second;
        }
        if (index >= 0 && index < static_cast<int>(groups.size()) &&
            groups[index].data() != nullptr)
            out.append(groups[index].data(), groups[index].size());
        i = braced ? end : end - 1;
    }
    return out;
}

Value label_replace(const FunctionCall& c) {
    const std::string& dst = string_arg(c, 1);
    const std::string& replacement = string_arg(c, 2);
    const std::string& src = string_arg(c, 3);
    RE2::Options options;
    options.set_log_errors(false);
    RE2 re("^(?:" + string_arg(c, 4) + ")$", options);
    if (!re.ok())
        throw EvalError("invalid regular expression in label_replace(): " + string_arg(c, 4));
    if (!is_valid_label_name(dst))
        throw EvalError("invalid destination label name in label_replace(): " + dst);
    Vector out = vector_arg(c, 0);
    std::vector<re2::StringPiece> groups(static_cast<std::size_t>(re.NumberOfCapturingGroups()) +
                                         1);
    for (auto& s : out) {
        const std::string& value = s.labels.get(src);
        if (!re.Match(value, 0, value.size(), RE2::UNANCHORED, groups.data(),
                      static_cast<int>(groups.size())))
            continue;
        s.labels.set(dst, expand_template(replacement, re, groups));
    }
    return out;
}

Value label_join(const FunctionCall& c) {
    const std::string& dst = string_arg(c, 1);
    const std::string& separator = string_arg(c, 2);
    if (!is_valid_label_name(dst))
        throw EvalError("invalid destination label name in label_join(): " + dst);
    std::vector<std::string> sources;
    for (std::size_t i = 3; i < c.args.size(); ++i) {
        sources.push_back(string_arg(c, i));
        if (!is_valid_label_name(sources.back()))
            throw EvalError("invalid source label name in label_join(): " + sources.back());
    }
    Vector out = vector_arg(c, 0);
    for (auto& s : out) {
        std::string joined;
        for (std::size_t i = 0; i < sources.size(); ++i) {
            if (i > 0) joined += separator;
            joined += s.labels.get(sources[i]);
        }
        s.labels.set(dst, std::move(joined));
    }
    return out;
}

Value histogram_quantile(const FunctionCall& c) {
    double q = scalar_arg(c, 0);
    struct Histogram {
        Labels labels;
        std::vector<Bucket> buckets;
    };
    // Buckets belong together when everything but `le` matches (the metric name included).
    std::vector<Histogram> histograms;
    std::unordered_map<std::uint64_t, std::vector<std::size_t>> by_hash;
    for (const auto& s : vector_arg(c, 1)) {
        const std::string& le = s.labels.get("le");
        char* end = nullptr;
        double bound = std::strtod(le.c_str(), &end);
        if (le.empty() || *end != '\0') continue;
        Labels key = s.labels;
        key.erase("le");
        std::size_t* found = nullptr;
        for (auto& idx : by_hash[key.hash()])
            if (histograms[idx].labels == key) found = &idx;
        if (found == nullptr) {
            by_hash[key.hash()].push_back(histograms.size());
            histograms.push_back(Histogram{key, {}});
            found = &by_hash[key.hash()].back();
        }
        histograms[*found].buckets.push_back(Bucket{bound, s.v});
    }
    Vector out;
    for (auto& h : histograms)
        out.push_back(VectorSample{h.labels.without_metric_name(), c.t,
                                   bucket_quantile(q, std::move(h.buckets))});
    return out;
}

std::vector<FunctionInfo> instant_functions() {
    return {
        {"abs", {V}, 0, V, math_function<abs_>},
        {"absent", {V}, 0, V, absent},
        {"acos", {V}, 0, V, math_function<acos_>},
        {"acosh", {V}, 0, V, math_function<acosh_>},
        {"asin", {V}, 0, V, math_function<asin_>},
        {"asinh", {V}, 0, V, math_function<asinh_>},
        {"atan", {V}, 0, V, math_function<atan_>},
        {"atanh", {V}, 0, V, math_function<atanh_>},
        {"ceil", {V}, 0, V, math_function<ceil_>},
        {"clamp", {V, S, S}, 0, V, clamp},
        {"clamp_max", {V, S}, 0, V, clamp_max},
        {"clamp_min", {V, S}, 0, V, clamp_min},
        {"cos", {V}, 0, V, math_function<cos_>},
        {"cosh", {V}, 0, V, math_function<cosh_>},
        {"day_of_month", {V}, 1, V, date_function<day_of_month>},
        {"day_of_week", {V}, 1, V, date_function<day_of_week>},
        {"day_of_year", {V}, 1, V, date_function<day_of_year>},
        {"days_in_month", {V}, 1, V, date_function<days_in_month>},
        {"deg", {V}, 0, V, math_function<deg_>},
        {"exp", {V}, 0, V, math_function<exp_>},
        {"floor", {V}, 0, V, math_function<floor_>},
        {"histogram_quantile", {S, V}, 0, V, histogram_quantile},
        {"hour", {V}, 1, V, date_function<hour>},
        {"label_join", {V, Str, Str, Str}, -1, V, label_join},
        {"label_replace", {V, Str, Str, Str, Str}, 0, V, label_replace},
        {"ln", {V}, 0, V, math_function<ln_>},
        {"log10", {V}, 0, V, math_function<log10_>},
        {"log2", {V}, 0, V, math_function<log2_>},
        {"minute", {V}, 1, V, date_function<minute>},
        {"month", {V}, 1, V, date_function<month>},
        {"pi", {}, 0, S, pi},
        {"rad", {V}, 0, V, math_function<rad_>},
        {"round", {V, S}, 1, V, round_},
        {"scalar", {V}, 0, S, scalar_},
        {"sgn", {V}, 0, V, math_function<sgn_>},
        {"sin", {V}, 0, V, math_function<sin_>},
        {"sinh", {V}, 0, V, math_function<sinh_>},
        {"sort", {V}, 0, V, sort},
        {"sort_desc", {V}, 0, V, sort_desc},
        {"sqrt", {V}, 0, V, math_function<sqrt_>},
        {"tan", {V}, 0, V, math_function<tan_>},
        {"tanh", {V}, 0, V, math_function<tanh_>},
        {"time", {}, 0, S, time_},
        {"timestamp", {V}, 0, V, timestamp},
        {"vector", {S}, 0, V, vector_},
        {"year", {V}, 1, V, date_function<year>},
    };
}

}  // namespace

Labels labels_for_absent(const Expr& arg) {
    const VectorSelector* vs = std::get_if<VectorSelector>(&arg.node);
    if (const auto* ms = std::get_if<MatrixSelector>(&arg.node))
        vs = &std::get<VectorSelector>(ms->selector->node);
    if (vs == nullptr) return {};
    Labels out;
    std::vector<std::string> ambiguous;  // only a single `=` pins a label's value
    for (const auto& m : vs->matchers) {
        if (m.name() == kMetricName) continue;
        if (m.type() == MatchType::equal && !out.has(m.name())) {
            out.set(m.name(), m.value());
        } else {
            ambiguous.push_back(m.name());
        }
    }
    for (const auto& name : ambiguous) out.erase(name);
    return out;
}

const FunctionInfo* find_function(std::string_view name) {
    static const std::unordered_map<std::string_view, FunctionInfo> kFunctions = [] {
        std::unordered_map<std::string_view, FunctionInfo> table;
        for (auto& f : instant_functions()) table.emplace(f.name, f);
        for (auto& f : range_functions()) table.emplace(f.name, f);
        return table;
    }();
    auto it = kFunctions.find(name);
    return it == kFunctions.end() ? nullptr : &it->second;
}

}  // namespace stackwatch::promql
