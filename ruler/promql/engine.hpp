#pragma once
// Evaluates PromQL (the float-sample language of Prometheus 2.42) against a Queryable.

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ruler/promql/queryable.hpp"
#include "ruler/promql/value.hpp"

namespace stackwatch::promql {

struct Expr;  // ast.hpp
using ExprPtr = std::shared_ptr<const Expr>;

// "parse error at line L, column C: message" — L and C are 1-based.
class ParseError : public std::runtime_error {
public:
    ParseError(int line, int column, const std::string& message);
    int line() const { return line_; }
    int column() const { return column_; }
    const std::string& detail() const { return detail_; }

private:
    int line_;
    int column_;
    std::string detail_;
};

// A query that parsed but cannot be evaluated (e.g. many-to-many matching, too many samples).
class EvalError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

ExprPtr parse(std::string_view input);    // throws ParseError
std::string to_string(const Expr& expr);  // canonical PromQL text of an expression

struct EngineOptions {
    std::chrono::milliseconds lookback_delta{5 * 60 * 1000};
    std::int64_t max_samples = 50'000'000;
    // Step of subqueries written without one (`x[5m:]`); Prometheus uses the global evaluation
    // interval, 1m by default.
    std::chrono::milliseconds default_subquery_step{60 * 1000};
    // Steps one query may evaluate in its subqueries, all of them together; beyond it EvalError.
    // Each step evaluates the inner expression anew, so nested subqueries multiply: an empty
    // `x[10y:1s]` loads no sample but would take 315 million steps. (Prometheus has no such
    // limit; it evaluates a subquery's steps in one range evaluation.)
    std::int64_t max_subquery_steps = 5'000'000;
};

class Engine {
public:
    explicit Engine(EngineOptions options = {});

    Value instant(std::string_view expr, Timestamp t, const Queryable& data) const;
    Value instant(const ExprPtr& expr, Timestamp t, const Queryable& data) const;
    // A range query: one Series per output series, samples at start, start+step, ..., <= end.
    Matrix range(const ExprPtr& expr, Timestamp start, Timestamp end, std::int64_t step_ms,
                 const Queryable& data) const;

    const EngineOptions& options() const { return options_; }

private:
    EngineOptions options_;
};

}  // namespace stackwatch::promql
