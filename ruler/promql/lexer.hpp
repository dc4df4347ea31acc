#pragma once
// Splits PromQL text into tokens. Keywords are case-insensitive; numbers and durations are told
// apart here because "5m" is a duration wherever it appears.

#include <string>
#include <string_view>
#include <vector>

namespace stackwatch::promql {

enum class TokenKind {
    end_of_input,
    identifier,  // metric names, label names, function names
    number,
    duration,
    string,
    left_paren,
    right_paren,
    left_brace,
    right_brace,
    left_bracket,
    right_bracket,
    comma,
    colon,
    at,
    assign,  // =   (label matcher)
    eql,
    neq,
    eql_regex,
    neq_regex,
    lss,
    lte,
    gtr,
    gte,
    add,
    sub,
    mul,
    div,
    mod,
    pow,
    // Keywords.
    kw_and,
    kw_or,
    kw_unless,
    kw_atan2,
    kw_bool,
    kw_by,
    kw_without,
    kw_on,
    kw_ignoring,
    kw_group_left,
    kw_group_right,
    kw_offset,
};

struct Token {
    TokenKind kind;
    std::string text;  // as written; for strings the unquoted value
    int position;      // byte offset into the input
};

std::string describe(const Token& token);  // "identifier \"foo\"", "\"(\"", "end of input"

// Throws ParseError for unterminated strings, bad escapes and malformed numbers.
std::vector<Token> lex(std::string_view input);

// Decodes a quoted PromQL/Go string literal including its quotes; throws std::invalid_argument.
std::string unquote(std::string_view quoted);

// Reads a number token as Prometheus does: integers in base 10, 0x hex or 0 octal, else a
// float; Inf and NaN in any case.
double parse_number(std::string_view text);

// Turns a byte offset into the 1-based line and column that errors report.
std::pair<int, int> line_column(std::string_view input, int position);

}  // namespace stackwatch::promql
