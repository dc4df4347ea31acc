#include "ruler/notify/matchers.hpp"

#include <boost/test/unit_test.hpp>

using namespace stackwatch::notify;
using stackwatch::promql::Labels;

namespace {

std::string round_trip(std::string_view text) {
    return matchers_string(parse_matchers(text));
}

std::string error_of(std::string_view text) {
    try {
        parse_matchers(text);
    } catch (const MatcherError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(matchers)

BOOST_AUTO_TEST_CASE(every_syntax_alertmanager_documents) {
    BOOST_TEST(round_trip(R"({foo = "bar", dings != "bums", })") == R"({foo="bar",dings!="bums"})");
    BOOST_TEST(round_trip("foo=bar,dings!=bums") == R"({foo="bar",dings!="bums"})");
    BOOST_TEST(round_trip("foo=bar, dings!=bums") == R"({foo="bar",dings!="bums"})");
    BOOST_TEST(round_trip(R"({quote="She said: \"Hi, ladies! That's gender-neutral…\""})") ==
               R"({quote="She said: \"Hi, ladies! That's gender-neutral…\""})");
    BOOST_TEST(round_trip(R"(statuscode=~"5..")") == R"({statuscode=~"5.."})");
    BOOST_TEST(round_trip("a!~b") == R"({a!~"b"})");
}

BOOST_AUTO_TEST_CASE(values_unescape_as_openmetrics_with_tolerance) {
    BOOST_TEST(parse_matcher(R"(a="x\ny")").value() == "x\ny");
    BOOST_TEST(parse_matcher(R"(a="back\\slash")").value() == R"(back\slash)");
    BOOST_TEST(parse_matcher(R"(a="stray\d")").value() == R"(stray\d)");  // a spurious escape stays
    BOOST_TEST(parse_matcher(R"(a=trailing\)").value() == R"(trailing\)");
    BOOST_TEST(parse_matcher("a=").value() == "");
    BOOST_TEST(parse_matcher("  a  =  spaced out  ").value() == "spaced out");
    BOOST_TEST(parse_matcher("a=\"x,y\"").value() == "x,y");
    BOOST_TEST(parse_matchers(R"(a="x,y",b=z)").size() == 2u);
}

BOOST_AUTO_TEST_CASE(errors_in_alertmanagers_words) {
    BOOST_TEST(error_of("a") == "bad matcher format: a");
    BOOST_TEST(error_of("1a=b") == "bad matcher format: 1a=b");
    BOOST_TEST(error_of(R"(a="b)") == R"(matcher value contains unescaped double quote: "b)");
    BOOST_TEST(error_of(R"(a=b"c)") == R"(matcher value contains unescaped double quote: b"c)");
    BOOST_TEST(error_of("a=\"\xff\"") == "matcher value not valid UTF-8: \"\xff\"");
    BOOST_TEST(error_of("a=~(").starts_with("error parsing regexp: "));
    BOOST_TEST(error_of("a=b,,c=d") == "bad matcher format: ");  // an empty token in the middle
    BOOST_TEST(error_of("a=b,   ").empty());                     // a trailing comma is fine
}

BOOST_AUTO_TEST_CASE(printing_escapes_and_sorting_follows_labels_matchers) {
    Matchers ms = parse_matchers(R"(z="1", a=~"x|y", a="x", a!="x", m="q\"uote")");
    sort_matchers(ms);
    BOOST_TEST(matchers_string(ms) == R"({a="x",a!="x",a=~"x|y",m="q\"uote",z="1"})");
    BOOST_TEST(matcher_string(Matcher(MatchType::equal, "n", "line\nbreak\\")) ==
               R"(n="line\nbreak\\")");
}

BOOST_AUTO_TEST_CASE(matching_treats_an_absent_label_as_empty) {
    Labels labels{{"service", "db"}, {"env", "prod"}};
    BOOST_TEST(matches_all(parse_matchers(R"(service="db",env=~"prod|stage")"), labels));
    BOOST_TEST(!matches_all(parse_matchers(R"(service="db",env!~"prod")"), labels));
    BOOST_TEST(matches_all(parse_matchers(R"(team="")"), labels));
    BOOST_TEST(!matches_all(parse_matchers(R"(team=~".+")"), labels));
    BOOST_TEST(matches_all(parse_matchers(R"(env=~"pro")"), labels) == false);  // anchored
    BOOST_TEST(matches_all({}, labels));
}

BOOST_AUTO_TEST_SUITE_END()
