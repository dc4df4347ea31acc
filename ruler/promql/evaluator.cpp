#include "ruler/promql/evaluator.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "ruler/promql/aggregations.hpp"
#include "ruler/promql/binary_ops.hpp"
#include "ruler/promql/functions.hpp"

namespace stackwatch::promql {

namespace {

const Expr& unwrap_parens(const Expr& e) {
    if (const auto* p = std::get_if<ParenExpr>(&e.node)) return unwrap_parens(*p->expr);
    return e;
}

void check_sample_limit(std::int64_t samples, const EngineOptions& options) {
    if (samples > options.max_samples)
        throw EvalError(
            "query processing would load too many samples into memory in query execution");
}

}  // namespace

void check_unique_labels(const Vector& v) {
    std::unordered_multimap<std::uint64_t, const Labels*> seen;
    for (const auto& s : v) {
        auto h = s.labels.hash();
        auto [first, last] = seen.equal_range(h);
        for (auto it = first; it != last; ++it)
            if (*it->second == s.labels)
                throw EvalError("vector cannot contain metrics with the same labelset");
        seen.emplace(h, &s.labels);
    }
}

Value Evaluator::eval(const Expr& expr, Timestamp t) const {
    return std::visit(
        [&](const auto& node) -> Value {
            using Node = std::decay_t<decltype(node)>;
            if constexpr (std::is_same_v<Node, NumberLiteral>) {
                return Scalar{t, node.value};
            } else if constexpr (std::is_same_v<Node, StringLiteral>) {
                return String{t, node.value};
            } else if constexpr (std::is_same_v<Node, ParenExpr>) {
                return eval(*node.expr, t);
            } else {
                return eval_node(node, t);
            }
        },
        expr.node);
}

Timestamp Evaluator::reference_time(Timestamp t, std::int64_t offset_ms,
                                    const std::optional<AtModifier>& at) const {
    Timestamp base = t;
    if (at) {
        switch (at->kind) {
            case AtModifier::Kind::start:
                base = ctx_.query_start;
                break;
            case AtModifier::Kind::end:
                base = ctx_.query_end;
                break;
            case AtModifier::Kind::timestamp:
                base = at->t;
                break;
        }
    }
    return base - offset_ms;
}

Vector Evaluator::select_instant(const VectorSelector& e, Timestamp t,
                                 bool keep_sample_time) const {
    Timestamp ref = reference_time(t, e.offset_ms, e.at);
    Vector out;
    for (auto& series :
         ctx_.data.select(e.matchers, ref - ctx_.options.lookback_delta.count(), ref)) {
        if (series.samples.empty()) continue;
        const Sample& last = series.samples.back();
        if (is_stale_marker(last.v)) continue;
        out.push_back(
            VectorSample{std::move(series.labels), keep_sample_time ? last.t : t, last.v});
    }
    check_sample_limit(static_cast<std::int64_t>(out.size()), ctx_.options);
    return out;
}

Value Evaluator::eval_node(const VectorSelector& e, Timestamp t) const {
    return select_instant(e, t, false);
}

Value Evaluator::eval_node(const MatrixSelector& e, Timestamp t) const {
    const auto& vs = std::get<VectorSelector>(e.selector->node);
    Timestamp ref = reference_time(t, vs.offset_ms, vs.at);
    Matrix out;
    std::int64_t total = 0;
    for (auto& series : ctx_.data.select(vs.matchers, ref - e.range_ms, ref)) {
        std::erase_if(series.samples, [](const Sample& s) { return is_stale_marker(s.v); });
        if (series.samples.empty()) continue;
        total += static_cast<std::int64_t>(series.samples.size());
        out.push_back(std::move(series));
    }
    check_sample_limit(total, ctx_.options);
    return out;
}

Value Evaluator::eval_node(const SubqueryExpr& e, Timestamp t) const {
    Timestamp ref = reference_time(t, e.offset_ms, e.at);
    std::int64_t step = e.step_ms != 0 ? e.step_ms : ctx_.options.default_subquery_step.count();
    // Steps are aligned to multiples of the step from the epoch, so consecutive evaluations of
    // the same subquery see the same inner timestamps.
    Timestamp start = step * ((ref - e.range_ms) / step);
    if (start < ref - e.range_ms) start += step;
    if (start <= ref) {
        subquery_steps_ += (ref - start) / step + 1;
        if (subquery_steps_ > ctx_.options.max_subquery_steps)
            throw EvalError("query processing would evaluate more than " +
                            std::to_string(ctx_.options.max_subquery_steps) +
                            " subquery steps");
    }
    std::map<Labels, std::vector<Sample>> points;
    std::int64_t total = 0;
    for (Timestamp ts = start; ts <= ref; ts += step) {
        Value v = eval(*e.expr, ts);
        for (auto& s : std::get<Vector>(v)) {
            points[std::move(s.labels)].push_back(Sample{ts, s.v});
            check_sample_limit(++total, ctx_.options);
        }
    }
    Matrix out;
    out.reserve(points.size());
    for (auto& [labels, samples] : points) out.push_back(Series{labels, std::move(samples)});
    return out;
}

Value Evaluator::eval_node(const UnaryExpr& e, Timestamp t) const {
    Value v = eval(*e.expr, t);
    if (!e.negate) return v;
    if (auto* s = std::get_if<Scalar>(&v)) {
        s->v = -s->v;
        return v;
    }
    Vector& vec = std::get<Vector>(v);
    for (auto& s : vec) {
        s.labels.erase(kMetricName);
        s.v = -s.v;
    }
    check_unique_labels(vec);
    return v;
}

Value Evaluator::eval_node(const BinaryExpr& e, Timestamp t) const {
    Value result = eval_binary(e, eval(*e.lhs, t), eval(*e.rhs, t), t);
    if (const auto* v = std::get_if<Vector>(&result)) check_unique_labels(*v);
    return result;
}

Value Evaluator::eval_node(const AggregateExpr& e, Timestamp t) const {
    Value input = eval(*e.expr, t);
    Value param;
    if (e.param) param = eval(*e.param, t);
    return eval_aggregate(e, std::get<Vector>(input), e.param ? &param : nullptr, t);
}

Value Evaluator::eval_node(const Call& e, Timestamp t) const {
    FunctionCall call{e, {}, t};
    for (const auto& arg : e.args) {
        const Expr& inner = unwrap_parens(*arg);
        // timestamp() of a plain selector reports when the sample was taken; of anything else,
        // the evaluation time, because computed values are stamped with it.
        if (e.func->name == "timestamp")
            if (const auto* vs = std::get_if<VectorSelector>(&inner.node)) {
                call.args.push_back(select_instant(*vs, t, true));
                continue;
            }
        if (const auto* ms = std::get_if<MatrixSelector>(&inner.node)) {
            const auto& vs = std::get<VectorSelector>(ms->selector->node);
            call.range_end = reference_time(t, vs.offset_ms, vs.at);
            call.range_start = call.range_end - ms->range_ms;
        } else if (const auto* sq = std::get_if<SubqueryExpr>(&inner.node)) {
            call.range_end = reference_time(t, sq->offset_ms, sq->at);
            call.range_start = call.range_end - sq->range_ms;
        }
        call.args.push_back(eval(*arg, t));
    }
    Value result = e.func->impl(call);
    if (const auto* v = std::get_if<Vector>(&result)) check_unique_labels(*v);
    return result;
}

}  // namespace stackwatch::promql
