#include "ruler/rules/retention.hpp"

#include <algorithm>

#include "ruler/promql/engine.hpp"

namespace stackwatch::ruler {

std::chrono::milliseconds max_lookback(const promql::Expr& expr) {
    using namespace promql;
    auto of = [](const ExprPtr& child) { return child ? max_lookback(*child).count() : 0; };
    std::int64_t ms = std::visit(
        [&](const auto& node) -> std::int64_t {
            using T = std::decay_t<decltype(node)>;
            if constexpr (std::is_same_v<T, VectorSelector>) {
                return std::max<std::int64_t>(node.offset_ms, 0);
            } else if constexpr (std::is_same_v<T, MatrixSelector>) {
                return node.range_ms + of(node.selector);
            } else if constexpr (std::is_same_v<T, SubqueryExpr>) {
                return node.range_ms + std::max<std::int64_t>(node.offset_ms, 0) + of(node.expr);
            } else if constexpr (std::is_same_v<T, ParenExpr> || std::is_same_v<T, UnaryExpr>) {
                return of(node.expr);
            } else if constexpr (std::is_same_v<T, BinaryExpr>) {
                return std::max(of(node.lhs), of(node.rhs));
            } else if constexpr (std::is_same_v<T, AggregateExpr>) {
                return std::max(of(node.expr), of(node.param));
            } else if constexpr (std::is_same_v<T, Call>) {
                std::int64_t most = 0;
                for (const auto& arg : node.args) most = std::max(most, of(arg));
                return most;
            } else {
                return 0;
            }
        },
        expr.node);
    return std::chrono::milliseconds(ms);
}

std::chrono::milliseconds max_lookback(const std::vector<std::string>& expressions) {
    std::chrono::milliseconds most{0};
    for (const auto& text : expressions) {
        try {
            most = std::max(most, max_lookback(*promql::parse(text)));
        } catch (const promql::ParseError&) {
        }
    }
    return most;
}

}  // namespace stackwatch::ruler
