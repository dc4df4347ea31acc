#include "ruler/promql/matcher.hpp"

#include <boost/test/unit_test.hpp>
#include <stdexcept>

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

BOOST_AUTO_TEST_CASE(prints_as_promql) {
    BOOST_TEST(Matcher(MatchType::not_regex, "a", "x\"y").to_string() == R"(a!~"x\"y")");
    BOOST_TEST(Matcher(MatchType::equal, "a", "b").to_string() == R"(a="b")");
}

BOOST_AUTO_TEST_SUITE_END()
