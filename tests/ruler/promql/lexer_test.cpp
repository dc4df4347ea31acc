#include "ruler/promql/lexer.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>

#include "ruler/promql/engine.hpp"

using namespace stackwatch::promql;

namespace {

std::vector<TokenKind> kinds(std::string_view input) {
    std::vector<TokenKind> out;
    for (const auto& t : lex(input)) out.push_back(t.kind);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lexer)

BOOST_AUTO_TEST_CASE(tells_numbers_from_durations) {
    auto tokens = lex("5m 1h30m 1.5 0x1F 2. .5 1e3 10ms");
    std::vector<TokenKind> expected = {
        TokenKind::duration, TokenKind::duration, TokenKind::number,
        TokenKind::number,   TokenKind::number,   TokenKind::number,
        TokenKind::number,   TokenKind::duration, TokenKind::end_of_input};
    BOOST_TEST_REQUIRE(tokens.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
        BOOST_TEST((tokens[i].kind == expected[i]), i);
    BOOST_TEST(tokens[1].text == "1h30m");
    BOOST_TEST(parse_number("0x1F") == 31);
    BOOST_TEST(parse_number("010") == 8);  // Go's ParseInt(s, 0, 64) reads a leading 0 as octal
    BOOST_TEST(parse_number("1e3") == 1000);
}

BOOST_AUTO_TEST_CASE(inf_and_nan_are_numbers_in_any_case) {
    BOOST_TEST((kinds("Inf nan INF") == std::vector<TokenKind>{TokenKind::number, TokenKind::number,
                                                               TokenKind::number,
                                                               TokenKind::end_of_input}));
    BOOST_TEST(std::isinf(parse_number("iNf")));
    BOOST_TEST(std::isnan(parse_number("NaN")));
}

BOOST_AUTO_TEST_CASE(keywords_are_case_insensitive) {
    BOOST_TEST((kinds("AND Or unless BY without ON ignoring GROUP_LEFT bool offset") ==
                std::vector<TokenKind>{TokenKind::kw_and, TokenKind::kw_or, TokenKind::kw_unless,
                                       TokenKind::kw_by, TokenKind::kw_without, TokenKind::kw_on,
                                       TokenKind::kw_ignoring, TokenKind::kw_group_left,
                                       TokenKind::kw_bool, TokenKind::kw_offset,
                                       TokenKind::end_of_input}));
}

BOOST_AUTO_TEST_CASE(metric_names_keep_colons_but_subquery_brackets_split_them) {
    auto tokens = lex("job:rate5m:sum[5m:1m]");
    BOOST_TEST(tokens[0].text == "job:rate5m:sum");
    BOOST_TEST((tokens[3].kind == TokenKind::colon));
    BOOST_TEST(tokens[4].text == "1m");
}

BOOST_AUTO_TEST_CASE(operators_take_the_longest_match) {
    BOOST_TEST(
        (kinds("== != =~ !~ <= >= < > = ^ % @") ==
         std::vector<TokenKind>{TokenKind::eql, TokenKind::neq, TokenKind::eql_regex,
                                TokenKind::neq_regex, TokenKind::lte, TokenKind::gte,
                                TokenKind::lss, TokenKind::gtr, TokenKind::assign, TokenKind::pow,
                                TokenKind::mod, TokenKind::at, TokenKind::end_of_input}));
}

BOOST_AUTO_TEST_CASE(strings_decode_go_escapes) {
    BOOST_TEST(lex(R"("a\"b\n\x41\u00e9\101")")[0].text ==
               "a\"b\nA\xc3\xa9"
               "A");
    BOOST_TEST(lex(R"('it\'s')")[0].text == "it's");
    BOOST_TEST(lex(R"(`raw\n`)")[0].text == "raw\\n");
    BOOST_CHECK_THROW(unquote(R"("\q")"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(comments_run_to_the_end_of_the_line) {
    BOOST_TEST((kinds("foo # comment\n+ bar") ==
                std::vector<TokenKind>{TokenKind::identifier, TokenKind::add, TokenKind::identifier,
                                       TokenKind::end_of_input}));
}

BOOST_AUTO_TEST_CASE(errors_report_line_and_column) {
    try {
        lex("foo +\n  \"unterminated");
        BOOST_FAIL("expected a ParseError");
    } catch (const ParseError& e) {
        BOOST_TEST(e.line() == 2);
        BOOST_TEST(e.column() == 3);
        BOOST_TEST(e.detail() == "unterminated quoted string");
    }
    try {
        lex("1abc");
        BOOST_FAIL("expected a ParseError");
    } catch (const ParseError& e) {
        BOOST_TEST(e.column() == 1);
        BOOST_TEST(std::string(e.what()).find("bad number or duration syntax") !=
                   std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()
