#include <boost/test/unit_test.hpp>

#include "ruler/promql/ast.hpp"
#include "ruler/promql/engine.hpp"
#include "ruler/storage/memory_store.hpp"

using namespace stackwatch::promql;

namespace {

double constant(std::string_view expr) {
    stackwatch::storage::MemoryStore empty;
    return std::get<Scalar>(Engine().instant(expr, 0, empty)).v;
}

// The error a query fails to parse with; fails the test when it parses.
ParseError parse_error(std::string_view input) {
    try {
        parse(input);
    } catch (const ParseError& e) {
        return e;
    }
    BOOST_FAIL("expected a parse error for: " << input);
    throw std::logic_error("unreachable");
}

const BinaryExpr& binary(const ExprPtr& e) {
    return std::get<BinaryExpr>(e->node);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(parser)

BOOST_AUTO_TEST_CASE(nesting_is_bounded_so_no_query_can_exhaust_the_stack) {
    auto nested = [](int levels, std::string_view open, std::string_view inner,
                     std::string_view close) {
        std::string query;
        for (int i = 0; i < levels; ++i) query += open;
        query += inner;
        for (int i = 0; i < levels; ++i) query += close;
        return query;
    };
    // Up to the limit, deep queries parse and evaluate.
    BOOST_TEST(constant(nested(kMaxDepth - 1, "(", "7", ")")) == 7);
    BOOST_TEST(constant(nested(kMaxDepth / 2 - 1, "-(", "7", ")")) == -7);
    // Past it, and far past it, each shape is refused with a parse error, not followed down.
    for (int levels : {kMaxDepth + 1, 1000000}) {
        for (const auto& query :
             {nested(levels, "(", "1", ")"), nested(levels, "abs(", "1", ")"),
              nested(levels, "-", "vector(1)", ""), nested(levels, "1+", "1", ""),
              nested(levels, "2^", "1", ""), nested(levels, "sum(", "up", ")")}) {
            auto e = parse_error(query);
            BOOST_TEST(e.detail() ==
                           "expression nests deeper than " + std::to_string(kMaxDepth) + " levels",
                       query.substr(0, 20) << ": " << e.detail());
        }
    }
}

BOOST_AUTO_TEST_CASE(multiplication_binds_tighter_than_addition) {
    auto e = parse("a + b * c");
    BOOST_TEST((binary(e).op == BinaryOp::add));
    BOOST_TEST((binary(binary(e).rhs).op == BinaryOp::mul));
    BOOST_TEST(constant("1 + 2 * 3") == 7);
    BOOST_TEST(constant("2 * 3 % 4") == 2);
}

BOOST_AUTO_TEST_CASE(operators_are_left_associative_except_power) {
    BOOST_TEST(constant("1 - 2 - 3") == -4);
    BOOST_TEST(constant("12 / 3 / 2") == 2);
    BOOST_TEST(constant("2 ^ 3 ^ 2") == 512);
    auto e = parse("a ^ b ^ c");
    BOOST_TEST((std::holds_alternative<BinaryExpr>(binary(e).rhs->node)));
}

BOOST_AUTO_TEST_CASE(unary_minus_binds_looser_than_power) {
    BOOST_TEST(constant("-2 ^ 2") == -4);
    BOOST_TEST(constant("2 ^ -1") == 0.5);
    BOOST_TEST(constant("-1 * 3 + 1") == -2);
    BOOST_TEST(constant("1 - -1") == 2);
}

BOOST_AUTO_TEST_CASE(set_operators_bind_loosest_with_or_last) {
    auto e = parse("a or b and c unless d == e");
    BOOST_TEST((binary(e).op == BinaryOp::lor));
    const auto& rhs = binary(binary(e).rhs);
    BOOST_TEST((rhs.op == BinaryOp::lunless));
    BOOST_TEST((binary(rhs.lhs).op == BinaryOp::land));
    BOOST_TEST((binary(rhs.rhs).op == BinaryOp::eql));
}

BOOST_AUTO_TEST_CASE(comparison_of_scalars_needs_bool) {
    BOOST_TEST(constant("1 < bool 2") == 1);
    BOOST_TEST(constant("2 == bool 3") == 0);
    BOOST_TEST(parse_error("1 < 2").detail() ==
               "comparisons between scalars must use BOOL modifier");
}

BOOST_AUTO_TEST_CASE(vector_matching_modifiers) {
    auto e = parse("a * on(x, y) group_left(z) b");
    const auto& m = *binary(e).matching;
    BOOST_TEST(m.on);
    BOOST_TEST((m.labels == std::vector<std::string>{"x", "y"}));
    BOOST_TEST((m.card == VectorMatching::Card::many_to_one));
    BOOST_TEST((m.include == std::vector<std::string>{"z"}));
    BOOST_TEST((binary(parse("a and b")).matching->card == VectorMatching::Card::many_to_many));
    BOOST_TEST(parse_error("a and on(x) group_left b").detail() ==
               "no grouping allowed for \"and\" operation");
    BOOST_TEST(parse_error("1 + on(x) a").detail() ==
               "vector matching only allowed between instant vectors");
}

BOOST_AUTO_TEST_CASE(aggregations_take_grouping_before_or_after) {
    for (auto text : {"sum by (job) (x)", "SUM(x) BY (job)"}) {
        auto e = parse(text);
        const auto& agg = std::get<AggregateExpr>(e->node);
        BOOST_TEST((agg.op == AggregateOp::sum));
        BOOST_TEST((agg.grouping == std::vector<std::string>{"job"}));
        BOOST_TEST(!agg.without);
    }
    auto topk = std::get<AggregateExpr>(parse("topk without (a) (3, x)")->node);
    BOOST_TEST(topk.without);
    BOOST_TEST((std::holds_alternative<NumberLiteral>(topk.param->node)));
    BOOST_TEST(parse_error("count_values(1, x)").detail() ==
               "expected type string in aggregation parameter, got scalar");
}

BOOST_AUTO_TEST_CASE(selectors_with_modifiers) {
    auto e = parse(R"(http_requests{job=~"api.*", code!="500"}[5m:30s] offset -1m @ 100)");
    const auto& sq = std::get<SubqueryExpr>(e->node);
    BOOST_TEST(sq.range_ms == 300000);
    BOOST_TEST(sq.step_ms == 30000);
    BOOST_TEST(sq.offset_ms == -60000);
    BOOST_TEST(sq.at->t == 100000);
    const auto& vs = std::get<VectorSelector>(sq.expr->node);
    BOOST_TEST(vs.name == "http_requests");
    BOOST_TEST(vs.matchers.size() == 3u);
    auto ms = std::get<MatrixSelector>(parse("x[1h] @ end() offset 5m")->node);
    const auto& inner = std::get<VectorSelector>(ms.selector->node);
    BOOST_TEST((inner.at->kind == AtModifier::Kind::end));
    BOOST_TEST(inner.offset_ms == 300000);
}

BOOST_AUTO_TEST_CASE(round_trips_through_to_string) {
    for (std::string text : {
             R"(sum by (job) (rate(http_requests{code=~"5.."}[5m])))",
             R"(a * on (x) group_left (y) b)",
             R"(foo offset 5m)",
             R"(rate(foo[1h:5m] @ 100.000))",
             R"(topk(3, {__name__="x"}))",
             R"(1 > bool 2)",
         }) {
        BOOST_TEST(to_string(*parse(text)) == to_string(*parse(to_string(*parse(text)))));
    }
    BOOST_TEST(to_string(*parse("sum(x) by (a)")) == "sum by (a) (x)");
    BOOST_TEST(to_string(*parse("foo{b='1', a=~'x'} offset 5m @ 10")) ==
               R"(foo{a=~"x",b="1"} @ 10.000 offset 5m)");
    BOOST_TEST(to_string(*parse("a * IGNORING(x) GROUP_RIGHT b")) ==
               "a * ignoring (x) group_right () b");
    BOOST_TEST(to_string(*parse("-(1 + 2e3)")) == "-(1 + 2000)");
    BOOST_TEST(to_string(*parse("foo{a='b'}[5m] offset 1h")) == R"(foo{a="b"}[5m] offset 1h)");
}

BOOST_AUTO_TEST_CASE(function_calls_are_type_checked) {
    BOOST_TEST(parse_error("rate(foo)").detail() ==
               "expected type range vector in call to function \"rate\", got instant vector");
    BOOST_TEST(parse_error("abs(foo, bar)").detail() ==
               "expected 1 argument(s) in call to \"abs\", got 2");
    BOOST_TEST(parse_error("round()").detail() ==
               "expected at least 1 argument(s) in call to \"round\", got 0");
    BOOST_TEST(parse_error("nosuch(foo)").detail() == "unknown function with name \"nosuch\"");
    BOOST_TEST(parse_error("sum(foo[5m])").detail() ==
               "expected type instant vector in aggregation expression, got range vector");
}

BOOST_AUTO_TEST_CASE(selector_rules) {
    BOOST_TEST(parse_error(R"({job=~".*"})").detail() ==
               "vector selector must contain at least one non-empty matcher");
    BOOST_TEST(parse_error(R"(foo{__name__="bar"})")
                   .detail()
                   .starts_with("metric name must not be set twice"));
    BOOST_TEST(parse_error("foo offset 1m offset 2m").detail() ==
               "offset may not be set multiple times");
    BOOST_TEST(parse_error("(1 + foo)[5m]").detail() == "ranges only allowed for vector selectors");
    BOOST_TEST(parse_error("rate(foo[5m])[1h]").detail() ==
               "ranges only allowed for vector selectors");
}

BOOST_AUTO_TEST_CASE(errors_carry_line_and_column) {
    ParseError e = parse_error("sum(\n  rate(foo[5m]) x\n)");
    BOOST_TEST(e.line() == 2);
    BOOST_TEST(e.column() == 17);
    BOOST_TEST(std::string(e.what()) ==
               "parse error at line 2, column 17: unexpected identifier \"x\" in aggregation, "
               "expected \",\" or \")\"");
    ParseError dangling = parse_error("sum(rate(\n  foo[5m]\n)) +");
    BOOST_TEST(dangling.line() == 3);
    BOOST_TEST(dangling.column() == 5);
    BOOST_TEST(dangling.detail() == "unexpected end of input");
    ParseError unclosed = parse_error("foo{a=\"b\"");
    BOOST_TEST(unclosed.line() == 1);
    BOOST_TEST(unclosed.column() == 10);
    BOOST_TEST(parse_error("").detail() == "no expression found in input");
}

BOOST_AUTO_TEST_SUITE_END()
