// Sentry's envelope and event formats as the SDKs write them: items with and without a length,
// items that are not errors skipped, the raised exception (not its causes) and frames turned most
// recent first.

#include "ruler/errors/sentry_event.hpp"

#include <boost/test/unit_test.hpp>

#include "ruler/errors/error_json.hpp"

using namespace stackwatch::errors;
using nlohmann::json;

namespace {

const TimePoint kNow = TimePoint(std::chrono::seconds(1'700'000'000));

}  // namespace

BOOST_AUTO_TEST_SUITE(sentry_event)

BOOST_AUTO_TEST_CASE(envelopes_carry_events_among_other_items) {
    std::string session = R"({"sid":"s1","status":"ok"})";
    std::string event =
        R"({"event_id":"a1b2","message":"line one\nstill the payload","level":"fatal"})";
    std::string body = R"({"event_id":"a1b2","sent_at":"2024-01-15T10:30:00Z"})"
                       "\n"
                       R"({"type":"session"})"
                       "\n" +
                       session + "\n" + R"({"type":"event","length":)" +
                       std::to_string(event.size()) + "}\n" + event + "\n" +
                       R"({"type":"event"})"
                       "\n"
                       R"({"message":"second"})";
    auto events = events_from_envelope(body, kNow);
    BOOST_REQUIRE_EQUAL(events.size(), 2u);
    BOOST_TEST(events[0].id == "a1b2");
    BOOST_TEST(events[0].message == "line one\nstill the payload");
    BOOST_TEST(events[0].level == "fatal");
    BOOST_TEST(events[1].message == "second");
    BOOST_TEST(events[1].id == "a1b2");  // from the envelope header

    auto refusal = [](const std::string& text) {
        try {
            events_from_envelope(text, kNow);
        } catch (const InvalidError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    BOOST_TEST(refusal("not json\n") == "the envelope's first line is not a JSON header");
    BOOST_TEST(refusal("{}\n[1]\n") == "envelope item 1: its header is not a JSON object");
    BOOST_TEST(refusal("{}\n{\"type\":\"event\"}\n{broken\n") ==
               "envelope item 1: the event is not valid JSON");
}

BOOST_AUTO_TEST_CASE(the_raised_exception_and_its_frames) {
    auto e = event_from_sentry(json::parse(R"({
        "event_id": "9f", "timestamp": 1700000000.5, "level": "error", "release": "r1",
        "environment": "staging", "user": {"email": "ann@example.com"}, "server_name": "web-1",
        "tags": {"service": "billing"}, "fingerprint": ["{{ default }}", "pay"],
        "exception": {"values": [
            {"type": "OSError", "value": "the cause"},
            {"type": "PaymentError", "value": "card declined",
             "stacktrace": {"frames": [
                {"function": "main", "filename": "app.py", "lineno": 1, "in_app": true},
                {"function": "charge", "abs_path": "/srv/pay.py", "lineno": 9},
                {"function": "post", "module": "requests.api", "in_app": false}]}}]}})"),
                               kNow);
    BOOST_TEST(e.type == "PaymentError");
    BOOST_TEST(e.message == "card declined");
    BOOST_REQUIRE_EQUAL(e.frames.size(), 3u);
    BOOST_TEST(e.frames[0].function == "post");
    BOOST_TEST(!e.frames[0].in_app);
    BOOST_TEST(e.frames[1].file == "/srv/pay.py");
    BOOST_TEST(e.frames[1].in_app);
    BOOST_TEST(e.user == "ann@example.com");
    BOOST_TEST(e.service == "billing");
    BOOST_TEST(e.context["server_name"] == "web-1");
    BOOST_TEST(e.fingerprint_parts.size() == 2u);
    BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(e.timestamp.time_since_epoch())
                   .count() == 1700000000500);

    auto logged =
        event_from_sentry(json::parse(R"({"logentry": {"formatted": "disk 91% full"}})"), kNow);
    BOOST_TEST(logged.message == "disk 91% full");
    BOOST_TEST((logged.timestamp == kNow));
    BOOST_TEST(logged.id.size() == 36u);
}

// Found by fuzz/sentry_fuzzer: a timestamp in milliseconds read as seconds overflowed the
// clock's nanoseconds; such a time is unreadable, so the event has the time it arrived.
BOOST_AUTO_TEST_CASE(timestamps_the_clock_cannot_hold_are_now) {
    auto fuzzed =
        event_from_sentry(json::parse(R"({"message": "x", "timestamp": 1700000100123})"), kNow);
    BOOST_TEST((fuzzed.timestamp == kNow));
    for (const char* body :
         {R"({"message": "x", "timestamp": -1e300})", R"({"message": "x", "timestamp": 9.3e9})"})
        BOOST_TEST((event_from_sentry(json::parse(body), kNow).timestamp == kNow), body);
    auto late =
        event_from_sentry(json::parse(R"({"message": "x", "timestamp": 4102444800})"), kNow);
    BOOST_TEST((late.timestamp == TimePoint(std::chrono::seconds(4102444800))));
}

// Found by fuzz/sentry_fuzzer: an item header whose type is a number threw nlohmann's
// type_error, which the handler answered with a 500. Such an item is skipped like any non-event.
BOOST_AUTO_TEST_CASE(an_item_type_that_is_no_string_is_skipped) {
    std::string fuzzed =
        "{\"event_id\":\"9ec7dc\",\"sent_at\":\"2023-11-14T22:13:20Z\"}\n"
        "{\"type\":\"event\",\"leneth\":41}\n"
        "{\"message\":\"boom\",\"lent_id\":\"9ec7dc\",\"seneneth\":41}\n"
        "{\"message\":\"boom\",\"lent_id\":\"9ec7dc\",\"sent_at\":\"2023-11-14T22:13:20Z\"}\n"
        "1}\n"
        "{\"message\":\"boom\",\"level\":\"error\",\"x\":1}\n"
        "evel\":\"error\",\"x\":1\"event_iA\"l\":\"error\",\"x\":1}\n"
        "{\"type\":1700000000.5}\n"
        "t_at\":\"2023-11-14T22:13:20Z\"}\n"
        "1}\n"
        "{\"message\":\"boom\",\"level\":\"err:\"session\"}\n"
        "{}\n";
    BOOST_CHECK_THROW(events_from_envelope(fuzzed, kNow), InvalidError);  // "1}" is no header
    auto events = events_from_envelope(
        "{}\n{\"type\":1700000000.5}\n{}\n{\"type\":\"event\"}\n{\"message\":\"boom\"}\n", kNow);
    BOOST_REQUIRE(events.size() == 1u);
    BOOST_TEST(events[0].message == "boom");
}

BOOST_AUTO_TEST_SUITE_END()
