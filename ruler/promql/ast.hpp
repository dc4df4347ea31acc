#pragma once
// The syntax tree of a parsed PromQL expression, as produced by parse() and walked by the engine.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ruler/promql/engine.hpp"
#include "ruler/promql/matcher.hpp"

namespace stackwatch::promql {

enum class ValueType { none, scalar, string, vector, matrix };
const char* value_type_name(ValueType type);

enum class BinaryOp {
    add,
    sub,
    mul,
    div,
    mod,
    pow,
    atan2,
    eql,
    neq,
    gtr,
    lss,
    gte,
    lte,
    land,
    lor,
    lunless,
};
bool is_comparison(BinaryOp op);
bool is_set_operator(BinaryOp op);
const char* binary_op_name(BinaryOp op);

enum class AggregateOp {
    sum,
    avg,
    min,
    max,
    count,
    group,
    stddev,
    stdvar,
    topk,
    bottomk,
    quantile,
    count_values,
};
const char* aggregate_op_name(AggregateOp op);

// `@ <ts>`, `@ start()` or `@ end()`; start()/end() resolve to the query's own range.
struct AtModifier {
    enum class Kind { timestamp, start, end } kind = Kind::timestamp;
    Timestamp t = 0;
};

struct NumberLiteral {
    double value;
};

struct StringLiteral {
    std::string value;
};

struct VectorSelector {
    std::string name;               // "" when only given by matchers
    std::vector<Matcher> matchers;  // includes the __name__ matcher for a named selector
    std::int64_t offset_ms = 0;
    std::optional<AtModifier> at;
};

struct MatrixSelector {
    ExprPtr selector;  // always a VectorSelector
    std::int64_t range_ms;
};

struct SubqueryExpr {
    ExprPtr expr;
    std::int64_t range_ms;
    std::int64_t step_ms;  // 0: the engine's default subquery step
    std::int64_t offset_ms = 0;
    std::optional<AtModifier> at;
};

struct ParenExpr {
    ExprPtr expr;
};

struct UnaryExpr {
    bool negate;  // unary + is kept only so to_string() can round-trip it
    ExprPtr expr;
};

struct VectorMatching {
    enum class Card { one_to_one, many_to_one, one_to_many, many_to_many } card = Card::one_to_one;
    std::vector<std::string> labels;  // on(...) or ignoring(...)
    bool on = false;
    std::vector<std::string> include;  // group_left(...)/group_right(...) extra labels
};

struct BinaryExpr {
    BinaryOp op;
    ExprPtr lhs;
    ExprPtr rhs;
    bool return_bool = false;
    std::optional<VectorMatching> matching;  // set when both sides are vectors
};

struct AggregateExpr {
    AggregateOp op;
    ExprPtr expr;
    ExprPtr param;  // topk/bottomk/quantile/count_values
    std::vector<std::string> grouping;
    bool without = false;
};

struct FunctionInfo;  // functions.hpp

struct Call {
    const FunctionInfo* func;
    std::vector<ExprPtr> args;
};

struct Expr {
    std::variant<NumberLiteral, StringLiteral, VectorSelector, MatrixSelector, SubqueryExpr,
                 ParenExpr, UnaryExpr, BinaryExpr, AggregateExpr, Call>
        node;
    int position = 0;  // byte offset of the expression's start in the query
    int depth = 1;     // levels of the tree from here down; the parser bounds it (kMaxDepth)
};

// How deeply an expression may nest (parentheses, arguments, operator chains). Parsing and
// evaluation recurse along the tree, so a query of a million "(" must be refused, not followed.
// Prometheus has no limit; expressions people write nest a few dozen levels at most, and 200
// keeps even a sanitizer build's frames within a thread's 8 MiB stack.
inline constexpr int kMaxDepth = 200;

ValueType type_of(const Expr& expr);

}  // namespace stackwatch::promql
