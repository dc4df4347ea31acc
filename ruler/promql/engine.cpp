#include "ruler/promql/engine.hpp"

#include <algorithm>
#include <map>

#include "ruler/promql/ast.hpp"
#include "ruler/promql/evaluator.hpp"

namespace stackwatch::promql {

Engine::Engine(EngineOptions options) : options_(options) {}

Value Engine::instant(std::string_view expr, Timestamp t, const Queryable& data) const {
    return instant(parse(expr), t, data);
}

Value Engine::instant(const ExprPtr& expr, Timestamp t, const Queryable& data) const {
    Evaluator evaluator(EvalContext{data, options_, t, t});
    return evaluator.eval(*expr, t);
}

Matrix Engine::range(const ExprPtr& expr, Timestamp start, Timestamp end, std::int64_t step_ms,
                     const Queryable& data) const {
    if (step_ms <= 0)
        throw EvalError("zero or negative query resolution step widths are not accepted");
    if (end < start) throw EvalError("end timestamp must not be before start time");
    ValueType type = type_of(*expr);
    if (type != ValueType::scalar && type != ValueType::vector)
        throw EvalError(std::string("invalid expression type \"") + value_type_name(type) +
                        "\" for range query, must be Scalar or instant Vector");
    Evaluator evaluator(EvalContext{data, options_, start, end});
    std::map<Labels, std::vector<Sample>> series;
    for (Timestamp t = start; t <= end; t += step_ms) {
        Value v = evaluator.eval(*expr, t);
        if (const auto* s = std::get_if<Scalar>(&v)) {
            series[Labels{}].push_back(Sample{t, s->v});
            continue;
        }
        for (auto& sample : std::get<Vector>(v))
            series[std::move(sample.labels)].push_back(Sample{t, sample.v});
    }
    Matrix out;
    out.reserve(series.size());
    for (auto& [labels, samples] : series) out.push_back(Series{labels, std::move(samples)});
    return out;
}

}  // namespace stackwatch::promql
