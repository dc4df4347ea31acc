#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>
#include <utility>

#include "ruler/template/ast.hpp"
#include "ruler/template/template.hpp"
#include "ruler/template/utf8.hpp"

namespace stackwatch::tmpl {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool is_word(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}
bool is_keyword(const std::string& word) {
    static const std::vector<std::string> keywords{"block", "break",    "continue", "define",
                                                   "else",  "end",      "if",       "nil",
                                                   "range", "template", "with"};
    return std::find(keywords.begin(), keywords.end(), word) != keywords.end();
}

const std::string kParenthesized = "parenthesized pipeline";

// How Go's parser names what closed a list: {{else if ...}} counts as an {{else}}.
std::string closing_action(const std::string& terminator) {
    return terminator == "end" ? "{{end}}" : "{{else}}";
}

struct Token {
    enum class Kind {
        end_action,
        pipe,
        lparen,
        rparen,
        comma,
        declare,
        assign,
        string,
        number,
        variable,
        field,
        dot,
        identifier
    };
    Kind kind;
    int pos;
    std::string text;   // raw source
    std::string value;  // unquoted string, identifier/variable/field name
    bool spaced;        // whitespace precedes it: a field chain must be adjacent to its term
    bool trim = false;  // for end_action: "-}}" trims the following text
};

// How Go names a token it did not expect: keywords and "." in angle brackets, anything else
// quoted, cut after ten characters when longer.
std::string describe(const Token& t) {
    if (t.kind == Token::Kind::dot || (t.kind == Token::Kind::identifier && is_keyword(t.value)))
        return "<" + t.text + ">";
    std::string text = t.kind == Token::Kind::end_action ? "}}" : t.text;
    if (text.size() <= 10) return go_quote(text);
    std::size_t cut = 0;
    for (int runes = 0; cut < text.size(); ++cut) {
        bool starts_rune = (static_cast<unsigned char>(text[cut]) & 0xC0) != 0x80;
        if (starts_rune && runes++ == 10) break;
    }
    return go_quote(text.substr(0, cut)) + "...";
}

class Parser {
  public:
    Parser(std::shared_ptr<const std::string> text, const std::string& name,
           const FunctionMap& functions)
        : source_(std::move(text)), text_(*source_), name_(name), functions_(functions) {}

    TreeSet parse_all() {
        std::string terminator;
        NodeList list = parse_list(terminator);
        if (!terminator.empty()) fail("unexpected " + closing_action(terminator));
        add(name_, std::move(list));
        return std::move(trees_);
    }

  private:
    std::shared_ptr<const std::string> source_;
    const std::string& text_;
    const std::string& name_;
    const FunctionMap& functions_;
    std::size_t pos_ = 0;
    bool trim_next_text_ = false;
    std::vector<std::string> vars_{"$"};
    std::vector<Token> tokens_;  // the current action's tokens
    std::size_t next_ = 0;
    int nesting_ = 0;      // open bodies: {{define}} is allowed only at the top level
    int range_depth_ = 0;  // open {{range}} bodies of the current tree, for {{break}}
    TreeSet trees_;

    [[noreturn]] void fail(const std::string& message) const {
        int line = 1 + static_cast<int>(std::count(
                           text_.begin(),
                           text_.begin() + static_cast<long>(std::min(pos_, text_.size())), '\n'));
        throw TemplateError("template: " + name_ + ":" + std::to_string(line) + ": " + message);
    }

    // Returns with `terminator` set to "end" or "else" (plus the chained keyword, e.g. "else if")
    // when such an action closes the list; empty at the end of the text.
    NodeList parse_list(std::string& terminator) {
        NodeList list;
        terminator.clear();
        while (pos_ < text_.size()) {
            std::size_t open = text_.find("{{", pos_);
            std::string chunk =
                text_.substr(pos_, open == std::string::npos ? std::string::npos : open - pos_);
            int chunk_pos = static_cast<int>(pos_);
            if (trim_next_text_) {
                std::size_t first = 0;
                while (first < chunk.size() && is_space(chunk[first])) ++first;
                chunk.erase(0, first);
                chunk_pos += static_cast<int>(first);
                trim_next_text_ = false;
            }
            bool trim_before = open != std::string::npos && open + 3 < text_.size() &&
                               text_[open + 2] == '-' && is_space(text_[open + 3]);
            if (trim_before)
                while (!chunk.empty() && is_space(chunk.back())) chunk.pop_back();
            if (!chunk.empty())
                list.push_back(Node{.kind = Node::Kind::text, .pos = chunk_pos, .text = chunk});
            if (open == std::string::npos) {
                pos_ = text_.size();
                break;
            }
            pos_ = open + (trim_before ? 4 : 2);
            if (auto node = parse_action(terminator)) list.push_back(std::move(*node));
            if (!terminator.empty()) return list;
        }
        return list;
    }

    // One {{ ... }}: nullopt for comments and for end/else, which set `terminator`.
    std::optional<Node> parse_action(std::string& terminator) {
        int action_pos = static_cast<int>(pos_);
        if (skip_comment()) return std::nullopt;
        lex_action();
        const Token& first = tokens_[next_];
        if (first.kind == Token::Kind::identifier) {
            std::string word = first.value;  // a copy: nested actions re-lex tokens_
            if (word == "end") {
                ++next_;
                expect_end("end");
                terminator = "end";
                return std::nullopt;
            }
            if (word == "else") {
                ++next_;
                const Token& after = tokens_[next_];
                // Go 1.19, which Prometheus 2.42 is built with, chains only `else if`.
                if (after.kind == Token::Kind::identifier && after.value == "if") {
                    terminator = "else if";
                    ++next_;
                } else if (after.kind == Token::Kind::identifier && after.value == "with") {
                    fail("unexpected <with> in else");
                } else {
                    expect_end("else");
                    terminator = "else";
                }
                return std::nullopt;
            }
            if (word == "if" || word == "range" || word == "with") {
                ++next_;
                return parse_control(word, action_pos);
            }
            if (word == "define" && nesting_ == 0) {
                ++next_;
                parse_definition();
                return std::nullopt;
            }
            if (word == "template" || word == "block") {
                ++next_;
                return parse_template_call(word);
            }
            if (word == "break" || word == "continue") {
                ++next_;
                expect_end("{{" + word + "}}");
                if (range_depth_ == 0) fail("{{" + word + "}} outside {{range}}");
                return Node{.kind = word == "break" ? Node::Kind::break_ : Node::Kind::continue_,
                            .pos = action_pos};
            }
            if (word == "define") fail("unexpected <define> in command");  // not at the top level
        }
        Node node{.kind = Node::Kind::action, .pos = action_pos};
        node.pipe = parse_pipeline("command", false);
        expect_end("command");
        return node;
    }

    // After "if"/"range"/"with" (or "else if"): pipeline, body, optional else, end.
    Node parse_control(std::string keyword, int pos) {
        std::size_t saved_vars = vars_.size();
        Node node{.kind = keyword == "if"      ? Node::Kind::if_
                          : keyword == "range" ? Node::Kind::range
                                               : Node::Kind::with,
                  .pos = pos};
        node.pipe = parse_pipeline(keyword, keyword == "range");
        if (node.pipe.commands.empty()) fail("missing value for " + keyword);
        expect_end(keyword);
        std::string terminator;
        ++nesting_;
        if (keyword == "range") ++range_depth_;
        node.list = parse_list(terminator);
        if (keyword == "range") --range_depth_;
        if (terminator == "else if") {
            std::string chained = terminator.substr(5);
            if (chained != keyword) fail("unexpected {{" + terminator + "}}");
            // {{else if x}} is {{else}}{{if x}}...{{end}}{{end}} sharing the final {{end}}.
            node.else_list.push_back(parse_control(chained, static_cast<int>(pos_)));
            --nesting_;
            vars_.resize(saved_vars);
            return node;
        }
        if (terminator == "else") {
            node.else_list = parse_list(terminator);
            if (terminator != "end")
                fail(terminator.empty() ? "unexpected EOF"
                                        : "expected end; found " + closing_action(terminator));
        } else if (terminator != "end") {
            fail("unexpected EOF");
        }
        --nesting_;
        vars_.resize(saved_vars);
        return node;
    }

    // After "define": the name, then the body up to its {{end}}.
    void parse_definition() {
        const std::string context = "define clause";
        std::string name = template_name(context);
        expect_end(context);
        add(name, parse_body(context));
    }

    // After "template" or "block": the name and the pipeline, optional for {{template}}; a block
    // also defines the template as its body.
    Node parse_template_call(const std::string& keyword) {
        const std::string context = keyword + " clause";
        Node node{.kind = Node::Kind::template_, .pos = tokens_[next_].pos};
        node.name = template_name(context);
        if (keyword == "block" || !at(Token::Kind::end_action))
            node.pipe = parse_pipeline(context, false);
        expect_end(context);
        if (keyword == "block") add(node.name, parse_body(context));
        return node;
    }

    std::string template_name(const std::string& context) {
        const Token& t = tokens_[next_];
        if (t.kind != Token::Kind::string) fail("unexpected " + describe(t) + " in " + context);
        ++next_;
        return t.value;
    }

    // A define or block body is a template of its own: it sees none of the variables around it.
    NodeList parse_body(const std::string& context) {
        auto saved_vars = std::exchange(vars_, {"$"});
        int saved_range_depth = std::exchange(range_depth_, 0);
        ++nesting_;
        std::string terminator;
        NodeList body = parse_list(terminator);
        if (terminator.empty()) fail("unexpected EOF");
        if (terminator != "end")
            fail("unexpected " + closing_action(terminator) + " in " + context);
        --nesting_;
        range_depth_ = saved_range_depth;
        vars_ = std::move(saved_vars);
        return body;
    }

    // Go's rule within one text: a second definition of a name may only replace an empty one.
    void add(const std::string& name, NodeList root) {
        auto& tree = trees_[name];
        if (tree && !is_empty_tree(tree->root)) {
            if (is_empty_tree(root)) return;
            fail("template: multiple definition of template " + go_quote(name));
        }
        tree = std::make_shared<const Tree>(
            Tree{.name = name, .parse_name = name_, .text = source_, .root = std::move(root)});
    }

    void expect_end(const std::string& context) {
        const Token& t = tokens_[next_];
        if (t.kind != Token::Kind::end_action) fail("unexpected " + describe(t) + " in " + context);
        trim_next_text_ = t.trim;
    }

    bool skip_comment() {
        std::size_t p = pos_;
        while (p < text_.size() && is_space(text_[p])) ++p;
        if (text_.compare(p, 2, "/*") != 0) return false;
        std::size_t close = text_.find("*/", p + 2);
        if (close == std::string::npos) fail("unclosed comment");
        p = close + 2;
        bool trim = text_.compare(p, 4, " -}}") == 0;
        if (!trim && text_.compare(p, 2, "}}") != 0) fail("comment ends before closing delimiter");
        pos_ = p + (trim ? 4 : 2);
        trim_next_text_ = trim;
        return true;
    }

    // Tokenizes up to and including the closing delimiter, leaving pos_ after it.
    void lex_action() {
        tokens_.clear();
        next_ = 0;
        int depth = 0;
        while (true) {
            bool spaced = false;
            while (pos_ < text_.size() && is_space(text_[pos_])) {
                ++pos_;
                spaced = true;
            }
            if (pos_ >= text_.size()) fail("unclosed action");
            int start = static_cast<int>(pos_);
            char c = text_[pos_];
            auto add = [&](Token::Kind kind, std::size_t length, std::string value = {}) {
                tokens_.push_back(
                    Token{kind, start, text_.substr(pos_, length), std::move(value), spaced});
                pos_ += length;
            };
            if (text_.compare(pos_, 3, "-}}") == 0 && spaced) {
                if (depth > 0) fail("unclosed left paren");
                add(Token::Kind::end_action, 3);
                tokens_.back().trim = true;
                return;
            }
            if (text_.compare(pos_, 2, "}}") == 0) {
                if (depth > 0) fail("unclosed left paren");
                add(Token::Kind::end_action, 2);
                return;
            }
            if (c == '|')
                add(Token::Kind::pipe, 1);
            else if (c == '(') {
                ++depth;
                add(Token::Kind::lparen, 1);
            } else if (c == ')') {
                add(Token::Kind::rparen, 1);
                // Go's parser rejects the stray paren before its lexer does: end the action here.
                if (--depth < 0) {
                    tokens_.push_back(Token{.kind = Token::Kind::end_action, .pos = start + 1});
                    return;
                }
            } else if (c == ',')
                add(Token::Kind::comma, 1);
            else if (text_.compare(pos_, 2, ":=") == 0)
                add(Token::Kind::declare, 2);
            else if (c == '=')
                add(Token::Kind::assign, 1);
            else if (c == '"')
                lex_quoted(start, spaced);
            else if (c == '`') {
                std::size_t close = text_.find('`', pos_ + 1);
                if (close == std::string::npos) fail("unterminated raw quoted string");
                add(Token::Kind::string, close + 1 - pos_,
                    text_.substr(pos_ + 1, close - pos_ - 1));
            } else if (c == '$') {
                std::size_t end = pos_ + 1;
                while (end < text_.size() && is_word(text_[end])) ++end;
                add(Token::Kind::variable, end - pos_, text_.substr(pos_, end - pos_));
            } else if (c == '.' && pos_ + 1 < text_.size() &&
                       (std::isalpha(static_cast<unsigned char>(text_[pos_ + 1])) ||
                        text_[pos_ + 1] == '_')) {
                std::size_t end = pos_ + 1;
                while (end < text_.size() && is_word(text_[end])) ++end;
                add(Token::Kind::field, end - pos_, text_.substr(pos_ + 1, end - pos_ - 1));
            } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                       ((c == '-' || c == '+' || c == '.') && pos_ + 1 < text_.size() &&
                        (std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])) ||
                         text_[pos_ + 1] == '.'))) {
                std::size_t end = pos_ + 1;
                while (end < text_.size() &&
                       (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '.' ||
                        text_[end] == '_' ||
                        ((text_[end] == '+' || text_[end] == '-') &&
                         (text_[end - 1] == 'e' || text_[end - 1] == 'E'))))
                    ++end;
                add(Token::Kind::number, end - pos_);
            } else if (c == '.') {
                add(Token::Kind::dot, 1);
            } else if (is_word(c)) {
                std::size_t end = pos_;
                while (end < text_.size() && is_word(text_[end])) ++end;
                add(Token::Kind::identifier, end - pos_, text_.substr(pos_, end - pos_));
            } else if (std::isprint(static_cast<unsigned char>(c))) {
                fail(std::string("unexpected \"") + c + "\" in operand");
            } else {
                fail(std::string("unexpected bad character U+") + hex4(c) + " in command");
            }
        }
    }

    static std::string hex4(char c) {
        static const char* digits = "0123456789ABCDEF";
        auto u = static_cast<unsigned char>(c);
        return std::string("00") + digits[u >> 4] + digits[u & 15];
    }

    // strconv.Unquote's \xHH, \uHHHH, \UHHHHHHHH and \OOO: how many digits follow the letter.
    static std::size_t numeric_escape_length(char e) {
        if (e == 'x') return 2;
        if (e == 'u') return 4;
        if (e == 'U') return 8;
        return e >= '0' && e <= '7' ? 3 : 0;
    }

    // Decodes the escape whose letter is at `p`, leaving `p` at its last digit: \x and octal
    // escapes are bytes, \u and \U code points.
    void append_numeric_escape(std::string& value, char e, std::size_t& p, std::size_t digits) {
        bool octal = e >= '0' && e <= '7';
        std::size_t first = octal ? p : p + 1;
        std::string number = text_.substr(first, digits);
        bool ok = number.size() == digits && std::all_of(number.begin(), number.end(), [&](char d) {
                      return octal ? d >= '0' && d <= '7'
                                   : std::isxdigit(static_cast<unsigned char>(d)) != 0;
                  });
        unsigned long code = ok ? std::stoul(number, nullptr, octal ? 8 : 16) : 0;
        if (!ok || (octal && code > 255) || code > 0x10FFFF) fail("invalid syntax");
        p = first + digits - 1;
        if (e == 'x' || octal) {
            value += static_cast<char>(code);
            return;
        }
        append_utf8(value, static_cast<char32_t>(code));
    }

    void lex_quoted(int start, bool spaced) {
        std::string value;
        std::size_t p = pos_ + 1;
        while (true) {
            if (p >= text_.size() || text_[p] == '\n') fail("unterminated quoted string");
            char c = text_[p];
            if (c == '"') break;
            if (c == '\\' && p + 1 < text_.size()) {
                char e = text_[++p];
                static constexpr std::string_view kSimple = "abfnrtv";
                static constexpr std::string_view kMeaning = "\a\b\f\n\r\t\v";
                if (auto k = kSimple.find(e); k != std::string_view::npos) {
                    value += kMeaning[k];
                } else if (e == '\\' || e == '"' || e == '\'') {
                    value += e;
                } else if (std::size_t digits = numeric_escape_length(e); digits != 0) {
                    append_numeric_escape(value, e, p, digits);
                } else {
                    value += '\\';
                    value += e;
                }
            } else {
                value += c;
            }
            ++p;
        }
        tokens_.push_back(
            Token{Token::Kind::string, start, text_.substr(pos_, p + 1 - pos_), value, spaced});
        pos_ = p + 1;
    }

    bool at(Token::Kind kind) const { return tokens_[next_].kind == kind; }

    Pipeline parse_pipeline(const std::string& context, bool allow_two_vars) {
        Pipeline pipe;
        pipe.pos = tokens_[next_].pos;
        std::size_t start = next_;
        // Declarations: `$x :=`, `$x =`, or `$k, $v :=` in range.
        std::size_t look = next_;
        std::vector<std::string> names;
        while (tokens_[look].kind == Token::Kind::variable) {
            names.push_back(tokens_[look].value);
            if (tokens_[++look].kind != Token::Kind::comma) break;
            if (!allow_two_vars || names.size() == 2) fail("too many declarations in " + context);
            auto after = tokens_[++look].kind;
            if (after != Token::Kind::variable && after != Token::Kind::end_action)
                fail("range can only initialize variables");
        }
        if (!names.empty() && (tokens_[look].kind == Token::Kind::declare ||
                               tokens_[look].kind == Token::Kind::assign)) {
            pipe.is_assign = tokens_[look].kind == Token::Kind::assign;
            pipe.decl = names;
            next_ = look + 1;
            if (pipe.is_assign)
                for (const auto& n : names) check_variable(n);
        }
        Token::Kind end = context == kParenthesized ? Token::Kind::rparen : Token::Kind::end_action;
        std::size_t text_end = next_;
        while (true) {
            if (at(end)) {
                if (pipe.commands.empty()) fail("missing value for " + context);
                break;  // Go accepts a trailing "|"
            }
            pipe.commands.push_back(parse_command(context));
            text_end = next_;
            if (!at(Token::Kind::pipe)) break;
            ++next_;
        }
        for (std::size_t i = 1; i < pipe.commands.size(); ++i) {
            auto kind = pipe.commands[i].args.front().kind;
            if (kind == Operand::Kind::boolean || kind == Operand::Kind::dot ||
                kind == Operand::Kind::nil || kind == Operand::Kind::number ||
                kind == Operand::Kind::string)
                fail("non executable command in pipeline stage " + std::to_string(i + 1));
        }
        pipe.text = source_between(start, text_end);
        if (!pipe.is_assign)
            for (const auto& n : pipe.decl) vars_.push_back(n);
        return pipe;
    }

    std::string source_between(std::size_t first, std::size_t end) const {
        if (end <= first) return {};
        const Token& last = tokens_[end - 1];
        return text_.substr(static_cast<std::size_t>(tokens_[first].pos),
                            static_cast<std::size_t>(last.pos) + last.text.size() -
                                static_cast<std::size_t>(tokens_[first].pos));
    }

    Command parse_command(const std::string& context) {
        Command cmd;
        cmd.pos = tokens_[next_].pos;
        std::size_t start = next_;
        // The first operand is required: whatever else is there is unexpected "in <context>".
        while (cmd.args.empty() || (!at(Token::Kind::pipe) && !at(Token::Kind::rparen) &&
                                    !at(Token::Kind::end_action))) {
            if (!cmd.args.empty() && !tokens_[next_].spaced &&
                tokens_[next_].kind != Token::Kind::lparen)
                fail("missing space?");
            cmd.args.push_back(parse_operand(cmd.args.empty() ? context : "operand"));
        }
        cmd.text = source_between(start, next_);
        return cmd;
    }

    void check_variable(const std::string& name) const {
        if (std::find(vars_.begin(), vars_.end(), name) == vars_.end())
            fail("undefined variable \"" + name + "\"");
    }

    // `where` names the place in messages: the pipeline's context, or "operand" after the first.
    Operand parse_operand(const std::string& where) {
        const Token& t = tokens_[next_];
        std::size_t start = next_;
        Operand op;
        op.pos = t.pos;
        switch (t.kind) {
            case Token::Kind::dot:
                op.kind = Operand::Kind::dot;
                ++next_;
                break;
            case Token::Kind::field:
                op.kind = Operand::Kind::field;
                op.fields.push_back(t.value);
                op.field_positions.push_back(t.pos);
                ++next_;
                break;
            case Token::Kind::variable:
                check_variable(t.value);
                op.kind = Operand::Kind::variable;
                op.name = t.value;
                ++next_;
                break;
            case Token::Kind::string:
                op.kind = Operand::Kind::string;
                op.name = t.value;
                ++next_;
                break;
            case Token::Kind::number:
                parse_number(t, op);
                ++next_;
                break;
            case Token::Kind::lparen:
                ++next_;
                op.kind = Operand::Kind::pipeline;
                op.pipe = std::make_shared<Pipeline>(parse_pipeline(kParenthesized, false));
                if (!at(Token::Kind::rparen)) fail("unclosed left paren");
                ++next_;
                break;
            case Token::Kind::identifier:
                if (t.value == "true" || t.value == "false") {
                    op.kind = Operand::Kind::boolean;
                    op.bool_value = t.value == "true";
                } else if (t.value == "nil") {
                    op.kind = Operand::Kind::nil;
                } else if (is_keyword(t.value)) {
                    fail("unexpected " + describe(t) + " in " + where);
                } else {
                    if (t.value != "and" && t.value != "or" && !functions_.contains(t.value))
                        fail("function \"" + t.value + "\" not defined");
                    op.kind = Operand::Kind::identifier;
                    op.name = t.value;
                }
                ++next_;
                break;
            default:
                fail("unexpected " + describe(t) + " in " + where);
        }
        // A field chain binds only when written directly after its term: `$x.a`, `(f).b`.
        while (at(Token::Kind::field) && !tokens_[next_].spaced &&
               op.kind != Operand::Kind::string && op.kind != Operand::Kind::number &&
               op.kind != Operand::Kind::boolean) {
            op.fields.push_back(tokens_[next_].value);
            op.field_positions.push_back(tokens_[next_].pos);
            ++next_;
        }
        op.text = source_between(start, next_);
        return op;
    }

    void parse_number(const Token& t, Operand& op) {
        op.kind = Operand::Kind::number;
        const std::string& s = t.text;
        bool hex = s.find("0x") != std::string::npos || s.find("0X") != std::string::npos;
        bool floaty = !hex && s.find_first_of(".eE") != std::string::npos;
        try {
            std::size_t used = 0;
            if (floaty) {
                op.float_value = std::stod(s, &used);
            } else {
                op.is_int = true;
                op.int_value = std::stoll(s, &used, 0);
                op.float_value = static_cast<double>(op.int_value);
            }
            if (used != s.size()) fail("bad number syntax: \"" + s + "\"");
        } catch (const std::logic_error&) {
            fail("bad number syntax: \"" + s + "\"");
        }
    }
};

}  // namespace

int error_position(const Operand& op) {
    std::size_t chained = op.kind == Operand::Kind::field ? 1 : 0;  // `.a.b` chains from `.b`
    return op.field_positions.size() > chained ? op.field_positions[chained] : op.pos;
}

bool is_empty_tree(const NodeList& nodes) {
    return std::all_of(nodes.begin(), nodes.end(), [](const Node& node) {
        return node.kind == Node::Kind::text &&
               std::all_of(node.text.begin(), node.text.end(),
                           [](char c) { return is_space(c) || c == '\v' || c == '\f'; });
    });
}

TreeSet parse_template(const std::string& text, const std::string& name,
                       const FunctionMap& functions) {
    return Parser(std::make_shared<const std::string>(text), name, functions).parse_all();
}

}  // namespace stackwatch::tmpl
