#include "ruler/promql/functions.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <unordered_map>

#include "ruler/promql/function_args.hpp"
#include "ruler/promql/function_tables.hpp"
#include "ruler/promql/quantile.hpp"

namespace stackwatch::promql {

namespace {

constexpr auto V = ValueType::vector;
constexpr auto S = ValueType::scalar;

Value time(const FunctionCall& c) {
    return Scalar{c.t, static_cast<double>(c.t) / 1000};
}
Value pi(const FunctionCall& c) {
    return Scalar{c.t, std::numbers::pi};
}

Value vector(const FunctionCall& c) {
    return Vector{VectorSample{{}, c.t, scalar_arg(c, 0)}};
}

Value scalar(const FunctionCall& c) {
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

std::vector<FunctionInfo> other_functions() {
    return {
        {"absent", {V}, 0, V, absent}, {"histogram_quantile", {S, V}, 0, V, histogram_quantile},
        {"pi", {}, 0, S, pi},          {"scalar", {V}, 0, S, scalar},
        {"sort", {V}, 0, V, sort},     {"sort_desc", {V}, 0, V, sort_desc},
        {"time", {}, 0, S, time},      {"timestamp", {V}, 0, V, timestamp},
        {"vector", {S}, 0, V, vector},
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
        for (auto part :
             {other_functions, math_functions, date_functions, label_functions, range_functions})
            for (auto& f : part()) table.emplace(f.name, std::move(f));
        return table;
    }();
    auto it = kFunctions.find(name);
    return it == kFunctions.end() ? nullptr : &it->second;
}

}  // namespace stackwatch::promql
