// The runbook's error shape as applications POST it: what is read, and what is refused with the
// field named.

#include "ruler/errors/error_json.hpp"

#include <boost/test/unit_test.hpp>

using namespace stackwatch::errors;
using nlohmann::json;

namespace {

const TimePoint kNow = TimePoint(std::chrono::seconds(1'700'000'000));

std::string refusal(const std::string& body, const IntakeLimits& limits = {}) {
    try {
        events_from_body(body, kNow, limits);
    } catch (const InvalidError& e) {
        return e.what();
    }
    return "accepted";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(error_json)

BOOST_AUTO_TEST_CASE(one_error_with_every_field) {
    auto events = events_from_body(R"json({
        "message": "connect ECONNREFUSED", "type": "ConnectionError", "level": "warn",
        "timestamp": "2024-01-15T10:30:00.000Z", "service": "api", "environment": "production",
        "release": "1.4.2", "stack": "Error\n    at f (/app/a.js:1:2)",
        "frames": [{"function": "g", "file": "/app/b.js", "line": 3, "inApp": false}],
        "context": {"userId": "user123", "requestId": "req_123"},
        "fingerprint": ["database", "{{ default }}"], "eventId": "e-1", "hostname": "web-1"})json",
                                   kNow);
    BOOST_REQUIRE_EQUAL(events.size(), 1u);
    const auto& e = events[0];
    BOOST_TEST(e.message == "connect ECONNREFUSED");
    BOOST_TEST(e.type == "ConnectionError");
    BOOST_TEST(e.level == "warning");
    BOOST_TEST(
        std::chrono::duration_cast<std::chrono::seconds>(e.timestamp.time_since_epoch()).count() ==
        1705314600);
    BOOST_TEST(e.service == "api");
    BOOST_TEST(e.release == "1.4.2");
    BOOST_TEST(e.user == "user123");
    BOOST_TEST(e.context["requestId"] == "req_123");
    BOOST_TEST(e.context["extra"]["hostname"] == "web-1");  // kept, not refused
    BOOST_TEST(e.frames.size() == 1u);
    BOOST_TEST(!e.frames[0].in_app);
    BOOST_TEST(e.fingerprint_parts.size() == 2u);
    BOOST_TEST(e.id == "e-1");

    auto record = event_from_record(event_json(e));
    BOOST_TEST(event_json(record) == event_json(e));
}

BOOST_AUTO_TEST_CASE(defaults_and_batches) {
    auto one = events_from_body(R"({"message": "x", "timestamp": 1700000100123})", kNow);
    BOOST_TEST(one[0].level == "error");
    BOOST_TEST(
        std::chrono::duration_cast<std::chrono::milliseconds>(one[0].timestamp.time_since_epoch())
            .count() == 1700000100123);
    BOOST_TEST(one[0].id.size() == 36u);
    auto none = events_from_body(R"({"message": "x"})", kNow);
    BOOST_TEST((none[0].timestamp == kNow));
    BOOST_TEST(events_from_body(R"([{"message": "a"}, {"message": "b"}])", kNow).size() == 2u);
    BOOST_TEST(events_from_body(R"({"errors": [{"message": "a"}]})", kNow).size() == 1u);
}

BOOST_AUTO_TEST_CASE(refusals_name_the_field) {
    BOOST_TEST(refusal("{") == "the body is not valid JSON");
    BOOST_TEST(refusal(R"({"type": "X"})") == "error.message: is required");
    BOOST_TEST(refusal(R"({"message": 3})") == "error.message: must be a string");
    BOOST_TEST(refusal(R"({"message": "x", "level": "loud"})") ==
               "error.level: \"loud\" is not one of fatal, error, warning, info, debug");
    BOOST_TEST(refusal(R"({"message": "x", "timestamp": "yesterday"})") ==
               "error.timestamp: must be RFC 3339 or Unix seconds");
    BOOST_TEST(refusal(R"([{"message": "a"}, {"message": "b", "context": []}])") ==
               "errors[1].context: must be an object");
    BOOST_TEST(refusal(R"({"message": "x", "frames": [{"line": "7"}]})") ==
               "error.frames[0].line: must be an integer");
    BOOST_TEST(refusal(R"({"message": "x", "fingerprint": []})") ==
               "error.fingerprint: must be a string or a list of 1 to 16 strings");
    BOOST_TEST(refusal("[]") == "errors[]: a batch needs at least one error");
    BOOST_TEST(refusal(R"({"errors": [], "more": 1})") == "a batch has only the key \"errors\"");
    BOOST_TEST(refusal(R"([{"message": "a"}, {"message": "b"}, {"message": "c"}])",
                       {.max_batch = 2}) == "a batch holds at most 2 errors; this one has 3");
    BOOST_TEST(refusal(R"({"message": ")" + std::string(40, 'x') + R"("})",
                       {.max_message_bytes = 32}) == "error.message: longer than 32 bytes");
}

// Found by fuzz/errors_body_fuzzer: 9.3e9 seconds (past 2262) overflowed the clock's
// nanoseconds; such times are refused like unreadable ones.
BOOST_AUTO_TEST_CASE(timestamps_the_clock_cannot_hold_are_refused) {
    for (const char* body :
         {R"({"message": "x", "timestamp": 9.3e9})", R"({"message": "x", "timestamp": -1e300})",
          R"({"message": "x", "timestamp": 9300000000000000})"})
        BOOST_TEST(refusal(body) == "error.timestamp: must be RFC 3339 or Unix seconds", body);
    auto ms = events_from_body(R"({"message": "x", "timestamp": 1700000000123})", kNow);
    BOOST_TEST((ms.at(0).timestamp == TimePoint(std::chrono::milliseconds(1700000000123))));
}

BOOST_AUTO_TEST_SUITE_END()
