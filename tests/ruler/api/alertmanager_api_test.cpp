// What the Alertmanager API's POST handlers read from their bodies, without a server.

#include "ruler/api/alertmanager_api.hpp"

#include <boost/test/unit_test.hpp>
#include <stdexcept>

using namespace stackwatch;

namespace {

std::string refusal(const std::function<void()>& read) {
    try {
        read();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "<no error>";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(alertmanager_bodies)

BOOST_AUTO_TEST_CASE(alerts_are_read_and_bad_ones_named) {
    auto posted = ruler::alerts_from_body(
        R"([{"labels":{"alertname":"x","job":"api"},"annotations":{"summary":"s"},)"
        R"("startsAt":"2023-11-14T22:13:20Z"},{"labels":{}},3])");
    BOOST_REQUIRE(posted.valid.size() == 1u);
    BOOST_TEST(posted.valid[0].labels.get("job") == "api");
    BOOST_TEST(posted.errors.find("at least one label pair required") != std::string::npos,
               posted.errors);
    BOOST_TEST(posted.errors.find("an alert must be a JSON object") != std::string::npos,
               posted.errors);
    std::string message = refusal([] { ruler::alerts_from_body("{}"); });
    BOOST_TEST(message == "the body must be a JSON array of alerts");
    message = refusal([] { ruler::alerts_from_body("[{"); });
    BOOST_TEST(message.find("parsing alerts body failed") == 0, message);
}

// Found by fuzz/alertmanager_api_fuzzer: a number beyond double is nlohmann's out_of_range, not
// a parse_error, and went past the handler's catch to a 500.
BOOST_AUTO_TEST_CASE(a_number_out_of_range_is_a_bad_body) {
    std::string message = refusal([] { ruler::alerts_from_body("-11e308"); });
    BOOST_TEST(message.find("parsing alerts body failed") == 0, message);
    BOOST_TEST(message.find("number overflow") != std::string::npos, message);
    message = refusal([] { ruler::silence_from_body(R"({"matchers":[],"x":1e999})"); });
    BOOST_TEST(message.find("number overflow") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(silences_are_read_with_sorted_matchers) {
    auto s = ruler::silence_from_body(
        R"({"matchers":[{"name":"b","value":"x|y","isRegex":true},)"
        R"({"name":"a","value":"1","isRegex":false,"isEqual":false}],)"
        R"("startsAt":"2023-11-14T22:13:20Z","endsAt":"2099-11-14T22:13:20Z","createdBy":"me"})");
    BOOST_REQUIRE(s.matchers.size() == 2u);
    BOOST_TEST(s.matchers[0].name() == "a");
    BOOST_TEST(s.created_by == "me");
    BOOST_TEST(refusal([] { ruler::silence_from_body("[]"); }) == "the body must be a JSON object");
    BOOST_TEST(
        refusal([] {
            ruler::silence_from_body(
                R"({"startsAt":"2023-11-14T22:13:20Z","endsAt":"2099-11-14T22:13:20Z","createdBy":1})");
        }).find("type") != std::string::npos);
    BOOST_TEST(refusal([] { ruler::silence_from_body(R"({"matchers":[]})"); }) ==
               "startsAt in body is required");
}

BOOST_AUTO_TEST_SUITE_END()
