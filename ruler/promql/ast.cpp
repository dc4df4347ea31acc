#include "ruler/promql/ast.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/config.hpp"
#include "ruler/promql/functions.hpp"

namespace stackwatch::promql {

const char* value_type_name(ValueType type) {
    switch (type) {
        case ValueType::none:
            return "none";
        case ValueType::scalar:
            return "scalar";
        case ValueType::string:
            return "string";
        case ValueType::vector:
            return "instant vector";
        case ValueType::matrix:
            return "range vector";
    }
    return "?";
}

bool is_comparison(BinaryOp op) {
    return op >= BinaryOp::eql && op <= BinaryOp::lte;
}

bool is_set_operator(BinaryOp op) {
    return op >= BinaryOp::land;
}

const char* binary_op_name(BinaryOp op) {
    static constexpr const char* kNames[] = {"+",  "-", "*", "/",  "%",  "^",   "atan2", "==",
                                             "!=", ">", "<", ">=", "<=", "and", "or",    "unless"};
    return kNames[static_cast<int>(op)];
}

const char* aggregate_op_name(AggregateOp op) {
    static constexpr const char* kNames[] = {"sum",   "avg",     "min",      "max",
                                             "count", "group",   "stddev",   "stdvar",
                                             "topk",  "bottomk", "quantile", "count_values"};
    return kNames[static_cast<int>(op)];
}

ValueType type_of(const Expr& expr) {
    struct Visitor {
        ValueType operator()(const NumberLiteral&) const { return ValueType::scalar; }
        ValueType operator()(const StringLiteral&) const { return ValueType::string; }
        ValueType operator()(const VectorSelector&) const { return ValueType::vector; }
        ValueType operator()(const MatrixSelector&) const { return ValueType::matrix; }
        ValueType operator()(const SubqueryExpr&) const { return ValueType::matrix; }
        ValueType operator()(const ParenExpr& e) const { return type_of(*e.expr); }
        ValueType operator()(const UnaryExpr& e) const { return type_of(*e.expr); }
        ValueType operator()(const BinaryExpr& e) const {
            return type_of(*e.lhs) == ValueType::scalar && type_of(*e.rhs) == ValueType::scalar
                       ? ValueType::scalar
                       : ValueType::vector;
        }
        ValueType operator()(const AggregateExpr&) const { return ValueType::vector; }
        ValueType operator()(const Call& e) const { return e.func->return_type; }
    };
    return std::visit(Visitor{}, expr.node);
}

namespace {

std::string join(const std::vector<std::string>& items, std::string_view separator = ", ") {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += separator;
        out += items[i];
    }
    return out;
}

std::string modifiers(std::int64_t offset_ms, const std::optional<AtModifier>& at) {
    std::string out;
    if (at) {
        switch (at->kind) {
            case AtModifier::Kind::start:
                out += " @ start()";
                break;
            case AtModifier::Kind::end:
                out += " @ end()";
                break;
            case AtModifier::Kind::timestamp: {
                char buf[64];
                std::snprintf(buf, sizeof buf, " @ %.3f", static_cast<double>(at->t) / 1000);
                out += buf;
            }
        }
    }
    if (offset_ms > 0) out += " offset " + format_duration(Duration(offset_ms));
    if (offset_ms < 0) out += " offset -" + format_duration(Duration(-offset_ms));
    return out;
}

struct Printer {
    std::string operator()(const NumberLiteral& e) const { return format_float(e.value); }
    std::string operator()(const StringLiteral& e) const { return go_quote(e.value); }
    std::string operator()(const VectorSelector& e) const {
        std::vector<std::string> parts;
        for (const auto& m : e.matchers) {
            if (!e.name.empty() && m.name() == kMetricName && m.type() == MatchType::equal)
                continue;
            parts.push_back(m.to_string());
        }
        // Sorted and comma-joined without spaces, as Prometheus prints selectors.
        std::sort(parts.begin(), parts.end());
        std::string out = e.name;
        if (!parts.empty()) out += "{" + join(parts, ",") + "}";
        return out + modifiers(e.offset_ms, e.at);
    }
    std::string operator()(const MatrixSelector& e) const {
        const auto& vs = std::get<VectorSelector>(e.selector->node);
        VectorSelector bare = vs;
        bare.offset_ms = 0;
        bare.at.reset();
        return (*this)(bare) + "[" + format_duration(Duration(e.range_ms)) + "]" +
               modifiers(vs.offset_ms, vs.at);
    }
    std::string operator()(const SubqueryExpr& e) const {
        std::string step = e.step_ms ? format_duration(Duration(e.step_ms)) : "";
        return to_string(*e.expr) + "[" + format_duration(Duration(e.range_ms)) + ":" + step + "]" +
               modifiers(e.offset_ms, e.at);
    }
    std::string operator()(const ParenExpr& e) const { return "(" + to_string(*e.expr) + ")"; }
    std::string operator()(const UnaryExpr& e) const {
        return (e.negate ? "-" : "+") + to_string(*e.expr);
    }
    std::string operator()(const BinaryExpr& e) const {
        std::string op = binary_op_name(e.op);
        if (e.return_bool) op += " bool";
        // Like Prometheus, group_x is only printed along with on/ignoring.
        if (e.matching && (e.matching->on || !e.matching->labels.empty())) {
            const VectorMatching& m = *e.matching;
            op += std::string(m.on ? " on" : " ignoring") + " (" + join(m.labels) + ")";
            if (m.card == VectorMatching::Card::many_to_one)
                op += " group_left (" + join(m.include) + ")";
            if (m.card == VectorMatching::Card::one_to_many)
                op += " group_right (" + join(m.include) + ")";
        }
        return to_string(*e.lhs) + " " + op + " " + to_string(*e.rhs);
    }
    std::string operator()(const AggregateExpr& e) const {
        std::string out = aggregate_op_name(e.op);
        if (e.without || !e.grouping.empty())
            out += std::string(e.without ? " without" : " by") + " (" + join(e.grouping) + ") ";
        out += "(";
        if (e.param) out += to_string(*e.param) + ", ";
        return out + to_string(*e.expr) + ")";
    }
    std::string operator()(const Call& e) const {
        std::vector<std::string> args;
        for (const auto& a : e.args) args.push_back(to_string(*a));
        return std::string(e.func->name) + "(" + join(args) + ")";
    }
};

}  // namespace

std::string to_string(const Expr& expr) {
    return std::visit(Printer{}, expr.node);
}

}  // namespace stackwatch::promql
