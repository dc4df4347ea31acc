#include "ruler/promql/lexer.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <unordered_map>

#include "ruler/promql/engine.hpp"

namespace stackwatch::promql {

namespace {

bool is_alpha(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_digit(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}
bool is_alnum(char c) {
    return is_alpha(c) || is_digit(c);
}

TokenKind keyword_kind(std::string_view word, bool& found) {
    static const std::unordered_map<std::string, TokenKind> kKeywords = {
        {"and", TokenKind::kw_and},
        {"or", TokenKind::kw_or},
        {"unless", TokenKind::kw_unless},
        {"atan2", TokenKind::kw_atan2},
        {"bool", TokenKind::kw_bool},
        {"by", TokenKind::kw_by},
        {"without", TokenKind::kw_without},
        {"on", TokenKind::kw_on},
        {"ignoring", TokenKind::kw_ignoring},
        {"group_left", TokenKind::kw_group_left},
        {"group_right", TokenKind::kw_group_right},
        {"offset", TokenKind::kw_offset},
    };
    std::string lower(word);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    auto it = kKeywords.find(lower);
    found = it != kKeywords.end();
    return found ? it->second : TokenKind::identifier;
}

// Length of a duration such as "1h30m" starting at pos, or 0 when the text there is not one.
std::size_t duration_length(std::string_view in, std::size_t pos) {
    std::size_t i = pos;
    bool any = false;
    while (i < in.size() && is_digit(in[i])) {
        while (i < in.size() && is_digit(in[i])) ++i;
        if (in.substr(i, 2) == "ms") {
            i += 2;
        } else if (i < in.size() &&
                   std::string_view("smhdwy").find(in[i]) != std::string_view::npos) {
            ++i;
        } else {
            return 0;
        }
        any = true;
    }
    if (!any || (i < in.size() && is_alnum(in[i]))) return 0;
    return i - pos;
}

std::size_t number_length(std::string_view in, std::size_t pos) {
    std::size_t i = pos;
    if (in.substr(i, 2) == "0x" || in.substr(i, 2) == "0X") {
        i += 2;
        while (i < in.size() && std::isxdigit(static_cast<unsigned char>(in[i]))) ++i;
        return i - pos;
    }
    while (i < in.size() && is_digit(in[i])) ++i;
    if (i < in.size() && in[i] == '.') {
        ++i;
        while (i < in.size() && is_digit(in[i])) ++i;
    }
    if (i < in.size() && (in[i] == 'e' || in[i] == 'E')) {
        std::size_t j = i + 1;
        if (j < in.size() && (in[j] == '+' || in[j] == '-')) ++j;
        if (j < in.size() && is_digit(in[j])) {
            i = j;
            while (i < in.size() && is_digit(in[i])) ++i;
        }
    }
    return i - pos;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::uint32_t parse_digits(std::string_view s, int base) {
    std::uint32_t v = 0;
    for (char c : s) {
        int d = is_digit(c) ? c - '0' : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
        if (!std::isxdigit(static_cast<unsigned char>(c)) || d >= base)
            throw std::invalid_argument("invalid escape sequence");
        v = v * static_cast<std::uint32_t>(base) + static_cast<std::uint32_t>(d);
    }
    return v;
}

}  // namespace

std::string unquote(std::string_view quoted) {
    if (quoted.size() < 2 || quoted.front() != quoted.back())
        throw std::invalid_argument("invalid string literal");
    char quote = quoted.front();
    std::string_view body = quoted.substr(1, quoted.size() - 2);
    if (quote == '`') {
        if (body.find('`') != std::string_view::npos) throw std::invalid_argument("invalid string");
        return std::string(body);
    }
    std::string out;
    for (std::size_t i = 0; i < body.size(); ++i) {
        char c = body[i];
        if (c == quote || c == '\n') throw std::invalid_argument("invalid string literal");
        if (c != '\\') {
            out += c;
            continue;
        }
        if (++i >= body.size()) throw std::invalid_argument("invalid escape sequence");
        char e = body[i];
        auto take = [&](std::size_t n) {
            std::string_view digits = body.substr(i + 1, n);
            if (digits.size() != n) throw std::invalid_argument("invalid escape sequence");
            i += n;
            return digits;
        };
        switch (e) {
            case 'a':
                out += '\a';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'v':
                out += '\v';
                break;
            case '\\':
                out += '\\';
                break;
            case '"':
            case '\'':
                if (e != quote) throw std::invalid_argument("invalid escape sequence");
                out += e;
                break;
            case 'x':
                out += static_cast<char>(parse_digits(take(2), 16));
                break;
            case 'u':
                append_utf8(out, parse_digits(take(4), 16));
                break;
            case 'U':
                append_utf8(out, parse_digits(take(8), 16));
                break;
            default:
                if (e >= '0' && e <= '7') {
                    --i;
                    std::uint32_t v = parse_digits(take(3), 8);
                    if (v > 255) throw std::invalid_argument("invalid escape sequence");
                    out += static_cast<char>(v);
                } else {
                    throw std::invalid_argument("unknown escape sequence");
                }
        }
    }
    return out;
}

// Go's strconv.ParseInt(s, 0, 64) then ParseFloat, which is how Prometheus reads numbers.
double parse_number(std::string_view input) {
    std::string text(input);
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (lower == "inf" || lower == "+inf") return INFINITY;
    if (lower == "-inf") return -INFINITY;
    if (lower == "nan") return NAN;
    bool integral = lower.find_first_of(".e") == std::string::npos || lower.starts_with("0x");
    if (integral) {
        int base = 10;
        if (lower.starts_with("0x"))
            base = 16;
        else if (lower.size() > 1 && lower[0] == '0')
            base = 8;
        char* end = nullptr;
        errno = 0;
        long long v = std::strtoll(text.c_str(), &end, base);
        if (errno == 0 && *end == '\0') return static_cast<double>(v);
    }
    return std::strtod(text.c_str(), nullptr);
}

std::pair<int, int> line_column(std::string_view input, int position) {
    int line = 1, column = 1;
    for (int i = 0; i < position && i < static_cast<int>(input.size()); ++i) {
        if (input[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

std::string describe(const Token& token) {
    switch (token.kind) {
        case TokenKind::end_of_input:
            return "end of input";
        case TokenKind::identifier:
            return "identifier \"" + token.text + "\"";
        case TokenKind::number:
            return "number \"" + token.text + "\"";
        case TokenKind::duration:
            return "duration \"" + token.text + "\"";
        case TokenKind::string:
            return "string";
        default:
            return "\"" + token.text + "\"";
    }
}

std::vector<Token> lex(std::string_view in) {
    std::vector<Token> tokens;
    auto fail = [&](std::size_t pos, const std::string& message) -> void {
        auto [line, column] = line_column(in, static_cast<int>(pos));
        throw ParseError(line, column, message);
    };
    int bracket_depth = 0;
    std::size_t i = 0;
    while (i < in.size()) {
        char c = in[i];
        int pos = static_cast<int>(i);
        auto emit = [&](TokenKind kind, std::size_t len) {
            tokens.push_back(Token{kind, std::string(in.substr(i, len)), pos});
            i += len;
        };
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (c == '#') {
            while (i < in.size() && in[i] != '\n') ++i;
        } else if (c == '"' || c == '\'' || c == '`') {
            std::size_t j = i + 1;
            while (j < in.size() && in[j] != c) {
                if (in[j] == '\\' && c != '`') ++j;
                if (j < in.size() && in[j] == '\n' && c != '`')
                    fail(i, "unterminated quoted string");
                ++j;
            }
            if (j >= in.size()) fail(i, "unterminated quoted string");
            try {
                tokens.push_back(Token{TokenKind::string, unquote(in.substr(i, j + 1 - i)), pos});
            } catch (const std::invalid_argument& e) {
                fail(i, e.what());
            }
            i = j + 1;
        } else if (is_digit(c) || (c == '.' && i + 1 < in.size() && is_digit(in[i + 1]))) {
            if (std::size_t d = duration_length(in, i)) {
                emit(TokenKind::duration, d);
                continue;
            }
            std::size_t n = number_length(in, i);
            if (i + n < in.size() && (is_alnum(in[i + n]) || in[i + n] == '.'))
                fail(i,
                     "bad number or duration syntax: \"" + std::string(in.substr(i, n + 1)) + "\"");
            emit(TokenKind::number, n);
        } else if (is_alpha(c) || (c == ':' && bracket_depth == 0)) {
            std::size_t j = i;
            while (j < in.size() && (is_alnum(in[j]) || in[j] == ':')) ++j;
            std::string_view word = in.substr(i, j - i);
            bool keyword = false;
            TokenKind kind = keyword_kind(word, keyword);
            std::string lower(word);
            std::transform(lower.begin(), lower.end(), lower.begin(),
                           [](unsigned char ch) { return std::tolower(ch); });
            if (!keyword && (lower == "inf" || lower == "nan")) kind = TokenKind::number;
            emit(kind, j - i);
        } else {
            std::string_view two = in.substr(i, 2);
            if (two == "==")
                emit(TokenKind::eql, 2);
            else if (two == "!=")
                emit(TokenKind::neq, 2);
            else if (two == "=~")
                emit(TokenKind::eql_regex, 2);
            else if (two == "!~")
                emit(TokenKind::neq_regex, 2);
            else if (two == "<=")
                emit(TokenKind::lte, 2);
            else if (two == ">=")
                emit(TokenKind::gte, 2);
            else {
                TokenKind kind;
                switch (c) {
                    case '(':
                        kind = TokenKind::left_paren;
                        break;
                    case ')':
                        kind = TokenKind::right_paren;
                        break;
                    case '{':
                        kind = TokenKind::left_brace;
                        break;
                    case '}':
                        kind = TokenKind::right_brace;
                        break;
                    case '[':
                        kind = TokenKind::left_bracket;
                        ++bracket_depth;
                        break;
                    case ']':
                        kind = TokenKind::right_bracket;
                        --bracket_depth;
                        break;
                    case ',':
                        kind = TokenKind::comma;
                        break;
                    case ':':
                        kind = TokenKind::colon;
                        break;
                    case '@':
                        kind = TokenKind::at;
                        break;
                    case '=':
                        kind = TokenKind::assign;
                        break;
                    case '<':
                        kind = TokenKind::lss;
                        break;
                    case '>':
                        kind = TokenKind::gtr;
                        break;
                    case '+':
                        kind = TokenKind::add;
                        break;
                    case '-':
                        kind = TokenKind::sub;
                        break;
                    case '*':
                        kind = TokenKind::mul;
                        break;
                    case '/':
                        kind = TokenKind::div;
                        break;
                    case '%':
                        kind = TokenKind::mod;
                        break;
                    case '^':
                        kind = TokenKind::pow;
                        break;
                    default:
                        fail(i, std::string("unexpected character: '") + c + "'");
                        return tokens;
                }
                emit(kind, 1);
            }
        }
    }
    tokens.push_back(Token{TokenKind::end_of_input, "", static_cast<int>(in.size())});
    return tokens;
}

}  // namespace stackwatch::promql
