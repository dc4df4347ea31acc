#include "ruler/promql/matcher.hpp"

#include <re2/re2.h>

#include <boost/test/unit_test.hpp>
#include <stdexcept>
#include <string>
#include <vector>

using stackwatch::promql::Matcher;
using stackwatch::promql::MatchType;

BOOST_AUTO_TEST_SUITE(matcher)

BOOST_AUTO_TEST_CASE(equality_and_inequality) {
    Matcher eq(MatchType::equal, "job", "api");
    BOOST_TEST(eq.matches("api"));
    BOOST_TEST(!eq.matches("api2"));
    Matcher ne(MatchType::not_equal, "job", "api");
    BOOST_TEST(ne.matches(""));
    BOOST_TEST(!ne.matches("api"));
}

BOOST_AUTO_TEST_CASE(regexes_are_fully_anchored) {
    Matcher re(MatchType::regex, "job", "ap.");
    BOOST_TEST(re.matches("api"));
    BOOST_TEST(!re.matches("xapi"));
    BOOST_TEST(!re.matches("apix"));
    Matcher alt(MatchType::regex, "job", "a|b");
    BOOST_TEST(alt.matches("b"));
    BOOST_TEST(!alt.matches("ab"));
    Matcher nre(MatchType::not_regex, "job", "a.*");
    BOOST_TEST(nre.matches("ba"));
    BOOST_TEST(!nre.matches("abc"));
}

BOOST_AUTO_TEST_CASE(an_absent_label_matches_as_empty) {
    BOOST_TEST(Matcher(MatchType::regex, "x", ".*").matches(""));
    BOOST_TEST(!Matcher(MatchType::regex, "x", ".+").matches(""));
    BOOST_TEST(Matcher(MatchType::equal, "x", "").matches(""));
}

BOOST_AUTO_TEST_CASE(bad_regex_is_rejected_with_the_reason) {
    try {
        Matcher(MatchType::regex, "x", "(");
        BOOST_FAIL("expected invalid_argument");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).find("missing )") != std::string::npos);
    }
}

// Literal alternatives take a set lookup instead of RE2; every pattern, literal or not, must
// answer as RE2 itself does on the anchored regex.
BOOST_AUTO_TEST_CASE(literal_alternatives_match_as_re2_does) {
    const std::vector<std::string> patterns = {"api",        "api|web",
                                               "web|api|",   "",
                                               "a||b",       "10\\.0\\.0\\.1",
                                               "a\\|b",      "x\\.y|x.y",
                                               "a.b",        "api|web.*",
                                               "(api|web)",  "[ab]",
                                               "a+",         "\\d",
                                               "\\Qa.b\\E",  "(?i)api",
                                               "ap?i",       "h\\$|\\^h",
                                               "é|ü",        "a b|c\\ d",
                                               "\\-|\\\\",   "x{2}",
                                               "a$|b",       "^a",
                                               "a(b|c)",     "a(?:b|)c",
                                               "(a|b)(c|d)", "a(b(c|d)|e)",
                                               "(a|b)+",     "(?i:a|b)",
                                               "()",         "x(|y)z"};
    const std::vector<std::string> values = {
        "",    "api",      "web",  "API",  "a",  "b",    "a|b", "ab",  "x.y", "xzy",
        "aab", "10.0.0.1", "10a0", "webx", "1",  "a.b",  "h$",  "^h",  "é",   "ü",
        "a b", "c d",      "-",    "\\",   "xx", "apix", "aa",  "Api", "ab",  "ac",
        "abc", "ac",       "ad",   "bc",   "bd", "abd",  "ae",  "xz",  "xyz", "A"};
    for (const auto& pattern : patterns) {
        RE2 reference("^(?:" + pattern + ")$");
        BOOST_REQUIRE_MESSAGE(reference.ok(), pattern);
        Matcher re(MatchType::regex, "x", pattern);
        Matcher nre(MatchType::not_regex, "x", pattern);
        for (const auto& value : values) {
            bool want = RE2::PartialMatch(value, reference);
            BOOST_TEST(re.matches(value) == want, pattern << " =~ " << value);
            BOOST_TEST(nre.matches(value) == !want, pattern << " !~ " << value);
        }
    }
}

BOOST_AUTO_TEST_CASE(prints_as_promql) {
    BOOST_TEST(Matcher(MatchType::not_regex, "a", "x\"y").to_string() == R"(a!~"x\"y")");
    BOOST_TEST(Matcher(MatchType::equal, "a", "b").to_string() == R"(a="b")");
}

BOOST_AUTO_TEST_SUITE_END()
