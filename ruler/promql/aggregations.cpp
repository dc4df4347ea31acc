#include "ruler/promql/aggregations.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "ruler/promql/functions.hpp"

namespace stackwatch::promql {

namespace {

struct Group {
    Labels labels;
    double value = 0;
    double mean = 0;
    double count = 0;
    std::vector<const VectorSample*> members;  // topk/bottomk/quantile keep their inputs
};

Labels grouping_labels(const Labels& labels, const AggregateExpr& e) {
    auto listed = [&](const std::string& name) {
        return std::find(e.grouping.begin(), e.grouping.end(), name) != e.grouping.end();
    };
    std::vector<Label> kept;
    for (const auto& l : labels) {
        bool keep = e.without ? !listed(l.name) && l.name != kMetricName : listed(l.name);
        if (keep) kept.push_back(l);
    }
    return Labels(std::move(kept));
}

// Running mean that survives infinities: Inf plus a finite value stays Inf instead of NaN.
void add_to_mean(Group& g, double v) {
    if (std::isinf(g.mean)) {
        if (std::isinf(v) && (g.mean > 0) == (v > 0)) return;
        if (!std::isinf(v) && !std::isnan(v)) return;
    }
    g.mean += v / g.count - g.mean / g.count;
}

void accumulate(AggregateOp op, Group& g, const VectorSample& s) {
    g.count += 1;
    bool first = g.count == 1;
    switch (op) {
        case AggregateOp::sum:
            g.value += s.v;
            break;
        case AggregateOp::avg:
            if (first)
                g.mean = s.v;
            else
                add_to_mean(g, s.v);
            break;
        case AggregateOp::max:
            if (first || g.value < s.v || std::isnan(g.value)) g.value = s.v;
            break;
        case AggregateOp::min:
            if (first || g.value > s.v || std::isnan(g.value)) g.value = s.v;
            break;
        case AggregateOp::stddev:
        case AggregateOp::stdvar: {
            // Welford's online variance; the first sample only sets the mean, so a lone Inf
            // has variance 0 rather than Inf * 0.
            if (first) {
                g.mean = s.v;
                break;
            }
            double delta = s.v - g.mean;
            g.mean += delta / g.count;
            g.value += delta * (s.v - g.mean);
            break;
        }
        default:
            g.members.push_back(&s);
            break;
    }
}

// topk keeps the k largest (NaN counts as smallest); bottomk the k smallest (NaN as largest).
Vector select_k(const Group& g, std::int64_t k, bool top) {
    std::vector<const VectorSample*> sorted = g.members;
    auto before = [top](const VectorSample* a, const VectorSample* b) {
        if (std::isnan(a->v)) return false;
        if (std::isnan(b->v)) return true;
        return top ? a->v > b->v : a->v < b->v;
    };
    std::stable_sort(sorted.begin(), sorted.end(), before);
    Vector out;
    for (std::int64_t i = 0; i < k && i < static_cast<std::int64_t>(sorted.size()); ++i)
        out.push_back(*sorted[static_cast<std::size_t>(i)]);
    return out;
}

double finish(AggregateOp op, const Group& g, double param) {
    switch (op) {
        case AggregateOp::sum:
        case AggregateOp::min:
        case AggregateOp::max:
            return g.value;
        case AggregateOp::avg:
            return g.mean;
        case AggregateOp::count:
            return g.count;
        case AggregateOp::group:
            return 1;
        case AggregateOp::stdvar:
            return g.value / g.count;
        case AggregateOp::stddev:
            return std::sqrt(g.value / g.count);
        case AggregateOp::quantile: {
            std::vector<double> values;
            for (const auto* s : g.members) values.push_back(s->v);
            return quantile(param, std::move(values));
        }
        default:
            return 0;
    }
}

}  // namespace

Vector eval_aggregate(const AggregateExpr& e, const Vector& input, const Value* param,
                      Timestamp t) {
    double number = 0;
    std::string label;
    if (param != nullptr) {
        if (const auto* s = std::get_if<Scalar>(param)) number = s->v;
        if (const auto* s = std::get_if<String>(param)) label = s->v;
    }
    if (e.op == AggregateOp::count_values && !is_valid_label_name(label))
        throw EvalError("invalid label name \"" + label + "\"");
    if ((e.op == AggregateOp::topk || e.op == AggregateOp::bottomk) && !(number >= 1)) return {};

    // Groups come out in the order they were first seen, as in Prometheus.
    std::vector<Group> groups;
    std::unordered_map<Labels, std::size_t, decltype([](const Labels& l) { return l.hash(); })>
        index;
    for (const auto& s : input) {
        Labels key = grouping_labels(s.labels, e);
        if (e.op == AggregateOp::count_values) key.set(label, format_float(s.v));
        auto [it, inserted] = index.emplace(key, groups.size());
        if (inserted) groups.push_back(Group{std::move(key)});
        accumulate(e.op == AggregateOp::count_values ? AggregateOp::count : e.op,
                   groups[it->second], s);
    }

    Vector out;
    for (const auto& g : groups) {
        if (e.op == AggregateOp::topk || e.op == AggregateOp::bottomk) {
            // k beyond the input size selects everything; the clamp also keeps huge k castable.
            double k = std::min(number, static_cast<double>(input.size()));
            for (auto& s : select_k(g, static_cast<std::int64_t>(k), e.op == AggregateOp::topk))
                out.push_back(VectorSample{s.labels, t, s.v});
            continue;
        }
        AggregateOp op = e.op == AggregateOp::count_values ? AggregateOp::count : e.op;
        out.push_back(VectorSample{g.labels, t, finish(op, g, number)});
    }
    return out;
}

}  // namespace stackwatch::promql
