#pragma once
// Evaluates one expression at one instant. Range queries and subqueries evaluate step by step
// through this, which keeps every node's semantics in one place.

#include "ruler/promql/ast.hpp"
#include "ruler/promql/engine.hpp"

namespace stackwatch::promql {

struct EvalContext {
    const Queryable& data;
    const EngineOptions& options;
    Timestamp query_start;  // what @ start() and @ end() resolve to
    Timestamp query_end;
};

class Evaluator {
public:
    explicit Evaluator(EvalContext context) : ctx_(context) {}

    Value eval(const Expr& expr, Timestamp t) const;

private:
    EvalContext ctx_;
    mutable std::int64_t subquery_steps_ = 0;  // counted against options.max_subquery_steps

    Value eval_node(const VectorSelector& e, Timestamp t) const;
    Value eval_node(const MatrixSelector& e, Timestamp t) const;
    Value eval_node(const SubqueryExpr& e, Timestamp t) const;
    Value eval_node(const UnaryExpr& e, Timestamp t) const;
    Value eval_node(const BinaryExpr& e, Timestamp t) const;
    Value eval_node(const AggregateExpr& e, Timestamp t) const;
    Value eval_node(const Call& e, Timestamp t) const;

    // The time a selector or subquery looks at: its @ (or the evaluation time) minus its offset.
    Timestamp reference_time(Timestamp t, std::int64_t offset_ms,
                             const std::optional<AtModifier>& at) const;
    // Latest non-stale sample within the lookback window; sample times kept when asked.
    Vector select_instant(const VectorSelector& e, Timestamp t, bool keep_sample_time) const;
};

// Prometheus refuses results where two elements would be the same series.
void check_unique_labels(const Vector& v);

}  // namespace stackwatch::promql
