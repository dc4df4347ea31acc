// Recursive-descent PromQL parser with the precedence and type rules of Prometheus's grammar.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "common/config.hpp"
#include "ruler/promql/ast.hpp"
#include "ruler/promql/functions.hpp"
#include "ruler/promql/lexer.hpp"

namespace stackwatch::promql {

ParseError::ParseError(int line, int column, const std::string& message)
    : std::runtime_error("parse error at line " + std::to_string(line) + ", column " +
                         std::to_string(column) + ": " + message),
      line_(line),
      column_(column),
      detail_(message) {}

namespace {

constexpr int kPowPrecedence = 6;

// Binding strength of a binary operator token, 0 when the token is not one.
int precedence(TokenKind kind) {
    switch (kind) {
        case TokenKind::kw_or:
            return 1;
        case TokenKind::kw_and:
        case TokenKind::kw_unless:
            return 2;
        case TokenKind::eql:
        case TokenKind::neq:
        case TokenKind::lss:
        case TokenKind::lte:
        case TokenKind::gtr:
        case TokenKind::gte:
            return 3;
        case TokenKind::add:
        case TokenKind::sub:
            return 4;
        case TokenKind::mul:
        case TokenKind::div:
        case TokenKind::mod:
        case TokenKind::kw_atan2:
            return 5;
        case TokenKind::pow:
            return kPowPrecedence;
        default:
            return 0;
    }
}

BinaryOp binary_op(TokenKind kind) {
    switch (kind) {
        case TokenKind::kw_or:
            return BinaryOp::lor;
        case TokenKind::kw_and:
            return BinaryOp::land;
        case TokenKind::kw_unless:
            return BinaryOp::lunless;
        case TokenKind::eql:
            return BinaryOp::eql;
        case TokenKind::neq:
            return BinaryOp::neq;
        case TokenKind::lss:
            return BinaryOp::lss;
        case TokenKind::lte:
            return BinaryOp::lte;
        case TokenKind::gtr:
            return BinaryOp::gtr;
        case TokenKind::gte:
            return BinaryOp::gte;
        case TokenKind::add:
            return BinaryOp::add;
        case TokenKind::sub:
            return BinaryOp::sub;
        case TokenKind::mul:
            return BinaryOp::mul;
        case TokenKind::div:
            return BinaryOp::div;
        case TokenKind::mod:
            return BinaryOp::mod;
        case TokenKind::kw_atan2:
            return BinaryOp::atan2;
        default:
            return BinaryOp::pow;
    }
}

std::optional<AggregateOp> aggregate_op(std::string_view word) {
    std::string lower(word);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    static constexpr std::pair<std::string_view, AggregateOp> kOps[] = {
        {"sum", AggregateOp::sum},           {"avg", AggregateOp::avg},
        {"min", AggregateOp::min},           {"max", AggregateOp::max},
        {"count", AggregateOp::count},       {"group", AggregateOp::group},
        {"stddev", AggregateOp::stddev},     {"stdvar", AggregateOp::stdvar},
        {"topk", AggregateOp::topk},         {"bottomk", AggregateOp::bottomk},
        {"quantile", AggregateOp::quantile}, {"count_values", AggregateOp::count_values},
    };
    for (const auto& [name, op] : kOps)
        if (name == lower) return op;
    return std::nullopt;
}

bool is_label_name_token(const Token& t) {
    return t.kind == TokenKind::identifier ||
           (t.kind >= TokenKind::kw_and && t.kind <= TokenKind::kw_offset) ||
           (t.kind == TokenKind::number && std::isalpha(static_cast<unsigned char>(t.text[0])));
}

class Parser {
  public:
    explicit Parser(std::string_view input) : input_(input), tokens_(lex(input)) {}

    ExprPtr parse_query() {
        if (peek().kind == TokenKind::end_of_input) fail(peek(), "no expression found in input");
        ExprPtr e = parse_expr(1);
        if (peek().kind != TokenKind::end_of_input) fail(peek(), "unexpected " + describe(peek()));
        return e;
    }

  private:
    std::string_view input_;
    std::vector<Token> tokens_;
    std::size_t pos_ = 0;

    const Token& peek(std::size_t ahead = 0) const {
        return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
    }
    const Token& next() {
        const Token& t = peek();
        if (pos_ < tokens_.size() - 1) ++pos_;
        return t;
    }
    bool accept(TokenKind kind) {
        if (peek().kind != kind) return false;
        next();
        return true;
    }
    const Token& expect(TokenKind kind, const std::string& what, const std::string& context) {
        if (peek().kind != kind)
            fail(peek(),
                 "unexpected " + describe(peek()) + " in " + context + ", expected " + what);
        return next();
    }

    [[noreturn]] void fail_at(int position, const std::string& message) const {
        auto [line, column] = line_column(input_, position);
        throw ParseError(line, column, message);
    }
    [[noreturn]] void fail(const Token& t, const std::string& message) const {
        fail_at(t.position, message);
    }

    template <typename Node>
    ExprPtr make(int position, Node node) const {
        int depth = 1;
        auto below = [&](const ExprPtr& child) {
            if (child) depth = std::max(depth, child->depth + 1);
        };
        if constexpr (requires { node.expr; }) below(node.expr);
        if constexpr (requires { node.selector; }) below(node.selector);
        if constexpr (requires { node.param; }) below(node.param);
        if constexpr (requires { node.lhs; }) {
            below(node.lhs);
            below(node.rhs);
        }
        if constexpr (requires { node.args; })
            for (const auto& arg : node.args) below(arg);
        if (depth > kMaxDepth) fail_at(position, too_deep());
        return std::make_shared<const Expr>(Expr{std::move(node), position, depth});
    }

    static std::string too_deep() {
        return "expression nests deeper than " + std::to_string(kMaxDepth) + " levels";
    }

    // Parentheses and arguments recurse before any node is made: counted on the way down.
    int nesting_ = 0;
    struct Nesting {
        Parser& parser;
        explicit Nesting(Parser& p) : parser(p) {
            if (++parser.nesting_ > kMaxDepth) parser.fail(parser.peek(), too_deep());
        }
        ~Nesting() { --parser.nesting_; }
    };

    // Binary operators from the loosest (1) to the tightest (6) binding; ^ is right-associative.
    ExprPtr parse_expr(int min_precedence) {
        Nesting nesting(*this);
        ExprPtr lhs = parse_unary();
        while (true) {
            const Token& op_token = peek();
            int prec = precedence(op_token.kind);
            if (prec == 0 || prec < min_precedence) return lhs;
            next();
            BinaryExpr bin{binary_op(op_token.kind), lhs, nullptr};
            bool explicit_matching = parse_binary_modifiers(bin, op_token);
            bin.rhs = parse_expr(op_token.kind == TokenKind::pow ? prec : prec + 1);
            lhs = make(lhs->position, check_binary(std::move(bin), op_token, explicit_matching));
        }
    }

    // Returns whether on/ignoring/group_x was written, which only vector operands allow.
    bool parse_binary_modifiers(BinaryExpr& bin, const Token& op_token) {
        if (accept(TokenKind::kw_bool)) {
            if (!is_comparison(bin.op))
                fail(op_token, "bool modifier can only be used on comparison operators");
            bin.return_bool = true;
        }
        VectorMatching matching;
        matching.card = is_set_operator(bin.op) ? VectorMatching::Card::many_to_many
                                                : VectorMatching::Card::one_to_one;
        bool explicit_matching = false;
        if (peek().kind == TokenKind::kw_on || peek().kind == TokenKind::kw_ignoring) {
            matching.on = next().kind == TokenKind::kw_on;
            matching.labels = parse_label_list("grouping opts");
            explicit_matching = true;
        }
        if (peek().kind == TokenKind::kw_group_left || peek().kind == TokenKind::kw_group_right) {
            const Token& group = next();
            if (is_set_operator(bin.op))
                fail(group, std::string("no grouping allowed for \"") + binary_op_name(bin.op) +
                                "\" operation");
            matching.card = group.kind == TokenKind::kw_group_left
                                ? VectorMatching::Card::many_to_one
                                : VectorMatching::Card::one_to_many;
            if (peek().kind == TokenKind::left_paren)
                matching.include = parse_label_list("grouping opts");
            explicit_matching = true;
            for (const auto& l : matching.include)
                if (matching.on && std::find(matching.labels.begin(), matching.labels.end(), l) !=
                                       matching.labels.end())
                    fail(group,
                         "label \"" + l + "\" must not occur in ON and GROUP clause at once");
        }
        bin.matching = matching;
        return explicit_matching;
    }

    BinaryExpr check_binary(BinaryExpr bin, const Token& op_token, bool explicit_matching) {
        ValueType lt = type_of(*bin.lhs);
        ValueType rt = type_of(*bin.rhs);
        auto operand_ok = [](ValueType t) {
            return t == ValueType::scalar || t == ValueType::vector;
        };
        if (!operand_ok(lt) || !operand_ok(rt))
            fail(op_token, "binary expression must contain only scalar and instant vector types");
        bool both_vectors = lt == ValueType::vector && rt == ValueType::vector;
        if (!both_vectors) {
            if (explicit_matching)
                fail(op_token, "vector matching only allowed between instant vectors");
            bin.matching.reset();
        }
        if (is_set_operator(bin.op) && !both_vectors)
            fail(op_token, std::string("set operator \"") + binary_op_name(bin.op) +
                               "\" not allowed in binary scalar expression");
        if (is_comparison(bin.op) && lt == ValueType::scalar && rt == ValueType::scalar &&
            !bin.return_bool)
            fail(op_token, "comparisons between scalars must use BOOL modifier");
        return bin;
    }

    ExprPtr parse_unary() {
        const Token& t = peek();
        if (t.kind != TokenKind::add && t.kind != TokenKind::sub) return parse_postfix();
        next();
        // Unary minus binds tighter than * and / but looser than ^, so -2^2 is -(2^2).
        ExprPtr operand = parse_expr(kPowPrecedence);
        ValueType type = type_of(*operand);
        if (type != ValueType::scalar && type != ValueType::vector)
            fail(t, std::string("unary expression only allowed on expressions of type scalar or "
                                "instant vector, got \"") +
                        value_type_name(type) + "\"");
        if (const auto* n = std::get_if<NumberLiteral>(&operand->node))
            return make(t.position, NumberLiteral{t.kind == TokenKind::sub ? -n->value : n->value});
        return make(t.position, UnaryExpr{t.kind == TokenKind::sub, operand});
    }

    ExprPtr parse_postfix() {
        ExprPtr e = parse_primary();
        while (true) {
            const Token& t = peek();
            if (t.kind == TokenKind::left_bracket) {
                e = parse_range(std::move(e));
            } else if (t.kind == TokenKind::kw_offset) {
                next();
                e = with_offset(e, t, parse_offset());
            } else if (t.kind == TokenKind::at) {
                next();
                e = with_at(e, t, parse_at());
            } else {
                return e;
            }
        }
    }

    std::int64_t parse_duration_token(const std::string& context) {
        const Token& t = expect(TokenKind::duration, "duration", context);
        auto d = try_parse_duration(t.text);
        if (!d) fail(t, "not a valid duration string: \"" + t.text + "\"");
        return d->count();
    }

    std::int64_t parse_offset() {
        bool negative = accept(TokenKind::sub);
        std::int64_t d = parse_duration_token("offset");
        return negative ? -d : d;
    }

    AtModifier parse_at() {
        const Token& t = peek();
        if (t.kind == TokenKind::identifier && (t.text == "start" || t.text == "end")) {
            next();
            expect(TokenKind::left_paren, "\"(\"", "@ modifier");
            expect(TokenKind::right_paren, "\")\"", "@ modifier");
            return AtModifier{t.text == "start" ? AtModifier::Kind::start : AtModifier::Kind::end};
        }
        double sign = 1;
        if (accept(TokenKind::sub))
            sign = -1;
        else
            accept(TokenKind::add);
        const Token& num = expect(TokenKind::number, "number or start() or end()", "@ modifier");
        double seconds = sign * parse_number(num.text);
        if (!std::isfinite(seconds) || std::abs(seconds) >= 9.2e15)
            fail(num, "timestamp out of bounds for @ modifier: " + num.text);
        return AtModifier{AtModifier::Kind::timestamp,
                          static_cast<Timestamp>(std::llround(seconds * 1000))};
    }

    // Offsets and @ apply to selectors and subqueries only, each at most once.
    ExprPtr with_offset(const ExprPtr& e, const Token& t, std::int64_t offset) {
        return modify(e, t, "offset", [&](auto& node, const Token& tok) {
            if (node.offset_ms != 0) fail(tok, "offset may not be set multiple times");
            node.offset_ms = offset;
        });
    }

    ExprPtr with_at(const ExprPtr& e, const Token& t, AtModifier at) {
        return modify(e, t, "@", [&](auto& node, const Token& tok) {
            if (node.at) fail(tok, "@ <timestamp> may not be set multiple times");
            node.at = at;
        });
    }

    template <typename Apply>
    ExprPtr modify(const ExprPtr& e, const Token& t, const std::string& what, Apply apply) {
        Expr copy = *e;
        if (auto* vs = std::get_if<VectorSelector>(&copy.node)) {
            apply(*vs, t);
        } else if (auto* ms = std::get_if<MatrixSelector>(&copy.node)) {
            VectorSelector inner = std::get<VectorSelector>(ms->selector->node);
            apply(inner, t);
            ms->selector = make(ms->selector->position, std::move(inner));
        } else if (auto* sq = std::get_if<SubqueryExpr>(&copy.node)) {
            apply(*sq, t);
        } else {
            fail(t, what +
                        " modifier must be preceded by an instant vector selector or range "
                        "vector selector or a subquery");
        }
        return std::make_shared<const Expr>(std::move(copy));
    }

    ExprPtr parse_range(ExprPtr e) {
        const Token& open = next();
        std::int64_t range = parse_duration_token("range");
        if (accept(TokenKind::colon)) {
            std::int64_t step = 0;
            if (peek().kind == TokenKind::duration) step = parse_duration_token("subquery step");
            expect(TokenKind::right_bracket, "\"]\"", "subquery selector");
            if (type_of(*e) != ValueType::vector)
                fail(open, std::string("subquery is only allowed on instant vector, got ") +
                               value_type_name(type_of(*e)) + " instead");
            return make(e->position, SubqueryExpr{e, range, step});
        }
        expect(TokenKind::right_bracket, "\"]\" or \":\"", "range selector");
        const auto* vs = std::get_if<VectorSelector>(&e->node);
        if (vs == nullptr) fail(open, "ranges only allowed for vector selectors");
        if (vs->offset_ms != 0 || vs->at) fail(open, "no offset modifiers allowed before range");
        return make(e->position, MatrixSelector{e, range});
    }

    ExprPtr parse_primary() {
        const Token& t = peek();
        switch (t.kind) {
            case TokenKind::number:
                next();
                return make(t.position, NumberLiteral{parse_number(t.text)});
            case TokenKind::string:
                next();
                return make(t.position, StringLiteral{t.text});
            case TokenKind::left_paren: {
                next();
                ExprPtr inner = parse_expr(1);
                expect(TokenKind::right_paren, "\")\"", "parenthesized expression");
                return make(t.position, ParenExpr{inner});
            }
            case TokenKind::left_brace:
                return parse_selector("", t.position);
            case TokenKind::identifier:
                return parse_identifier();
            case TokenKind::end_of_input:
                fail(t, "unexpected end of input");
            default:
                if (is_label_name_token(t)) return parse_identifier();
                fail(t, "unexpected " + describe(t));
        }
    }

    ExprPtr parse_identifier() {
        const Token& t = next();
        TokenKind after = peek().kind;
        if (auto op = aggregate_op(t.text);
            op && (after == TokenKind::left_paren || after == TokenKind::kw_by ||
                   after == TokenKind::kw_without))
            return parse_aggregate(*op, t);
        if (after == TokenKind::left_paren) return parse_call(t);
        return parse_selector(t.text, t.position);
    }

    std::vector<std::string> parse_label_list(const std::string& context) {
        expect(TokenKind::left_paren, "\"(\"", context);
        std::vector<std::string> labels;
        while (peek().kind != TokenKind::right_paren) {
            const Token& l = next();
            if (!is_label_name_token(l))
                fail(l, "unexpected " + describe(l) + " in " + context + ", expected label");
            labels.push_back(l.text);
            if (!accept(TokenKind::comma)) break;
        }
        expect(TokenKind::right_paren, "\",\" or \")\"", context);
        return labels;
    }

    ExprPtr parse_aggregate(AggregateOp op, const Token& t) {
        AggregateExpr agg{op, nullptr, nullptr};
        bool grouped = false;
        auto grouping = [&]() {
            if (peek().kind != TokenKind::kw_by && peek().kind != TokenKind::kw_without) return;
            if (grouped) fail(peek(), "unexpected " + describe(peek()) + " in aggregation");
            agg.without = next().kind == TokenKind::kw_without;
            agg.grouping = parse_label_list("grouping opts");
            grouped = true;
        };
        grouping();
        const Token& open = expect(TokenKind::left_paren, "\"(\"", "aggregation");
        std::vector<ExprPtr> args = parse_arguments("aggregation");
        grouping();
        bool takes_param = op == AggregateOp::topk || op == AggregateOp::bottomk ||
                           op == AggregateOp::quantile || op == AggregateOp::count_values;
        std::size_t wanted = takes_param ? 2 : 1;
        if (args.size() != wanted)
            fail(open, std::string("wrong number of arguments for aggregate expression provided, "
                                   "expected ") +
                           std::to_string(wanted) + ", got " + std::to_string(args.size()));
        agg.expr = args.back();
        if (takes_param) agg.param = args.front();
        if (type_of(*agg.expr) != ValueType::vector)
            fail_at(agg.expr->position,
                    std::string("expected type instant vector in aggregation expression, got ") +
                        value_type_name(type_of(*agg.expr)));
        if (agg.param) {
            ValueType want =
                op == AggregateOp::count_values ? ValueType::string : ValueType::scalar;
            if (type_of(*agg.param) != want)
                fail_at(agg.param->position, std::string("expected type ") + value_type_name(want) +
                                                 " in aggregation parameter, got " +
                                                 value_type_name(type_of(*agg.param)));
        }
        return make(t.position, std::move(agg));
    }

    std::vector<ExprPtr> parse_arguments(const std::string& context) {
        std::vector<ExprPtr> args;
        while (peek().kind != TokenKind::right_paren) {
            args.push_back(parse_expr(1));
            if (!accept(TokenKind::comma)) break;
        }
        expect(TokenKind::right_paren, "\",\" or \")\"", context);
        return args;
    }

    ExprPtr parse_call(const Token& name) {
        const FunctionInfo* fn = find_function(name.text);
        if (fn == nullptr) fail(name, "unknown function with name \"" + name.text + "\"");
        next();  // (
        std::vector<ExprPtr> args = parse_arguments("function call");
        int fixed = static_cast<int>(fn->arg_types.size());
        int given = static_cast<int>(args.size());
        std::string quoted = "\"" + std::string(fn->name) + "\"";
        if (fn->variadic == 0 && given != fixed)
            fail(name, "expected " + std::to_string(fixed) + " argument(s) in call to " + quoted +
                           ", got " + std::to_string(given));
        if (fn->variadic != 0) {
            if (given < fixed - 1)
                fail(name, "expected at least " + std::to_string(fixed - 1) +
                               " argument(s) in call to " + quoted + ", got " +
                               std::to_string(given));
            if (fn->variadic > 0 && given > fixed - 1 + fn->variadic)
                fail(name, "expected at most " + std::to_string(fixed - 1 + fn->variadic) +
                               " argument(s) in call to " + quoted + ", got " +
                               std::to_string(given));
        }
        for (int i = 0; i < given; ++i) {
            ValueType want = fn->arg_types[std::min(i, fixed - 1)];
            ValueType got = type_of(*args[i]);
            if (got != want)
                fail_at(args[i]->position, std::string("expected type ") + value_type_name(want) +
                                               " in call to function " + quoted + ", got " +
                                               value_type_name(got));
        }
        return make(name.position, Call{fn, std::move(args)});
    }

    ExprPtr parse_selector(const std::string& name, int position) {
        VectorSelector vs;
        vs.name = name;
        if (!name.empty())
            vs.matchers.emplace_back(MatchType::equal, std::string(kMetricName), name);
        if (accept(TokenKind::left_brace)) {
            while (peek().kind != TokenKind::right_brace) {
                const Token& label = next();
                if (!is_label_name_token(label))
                    fail(label,
                         "unexpected " + describe(label) + " in label matching, expected label");
                const Token& op = next();
                MatchType type;
                switch (op.kind) {
                    case TokenKind::assign:
                        type = MatchType::equal;
                        break;
                    case TokenKind::neq:
                        type = MatchType::not_equal;
                        break;
                    case TokenKind::eql_regex:
                        type = MatchType::regex;
                        break;
                    case TokenKind::neq_regex:
                        type = MatchType::not_regex;
                        break;
                    default:
                        fail(op, "unexpected " + describe(op) +
                                     " in label matching, expected one of \"=\", \"!=\", \"=~\", "
                                     "\"!~\"");
                }
                const Token& value = expect(TokenKind::string, "string", "label matching");
                if (label.text == kMetricName && !name.empty())
                    fail(label, "metric name must not be set twice: \"" + name + "\" or \"" +
                                    value.text + "\"");
                try {
                    vs.matchers.emplace_back(type, label.text, value.text);
                } catch (const std::invalid_argument& e) {
                    fail(value, std::string("invalid regular expression: ") + e.what());
                }
                if (!accept(TokenKind::comma)) break;
            }
            expect(TokenKind::right_brace, "\",\" or \"}\"", "label matching");
        }
        bool selective = std::any_of(vs.matchers.begin(), vs.matchers.end(),
                                     [](const Matcher& m) { return !m.matches(""); });
        if (!selective)
            fail_at(position, "vector selector must contain at least one non-empty matcher");
        return make(position, std::move(vs));
    }
};

}  // namespace

ExprPtr parse(std::string_view input) {
    return Parser(input).parse_query();
}

}  // namespace stackwatch::promql
