// Grouping: what makes two occurrences the same error (and what must not), the globs of queries
// and rules, and the fingerprint rules' configuration errors.

#include "ruler/errors/fingerprint.hpp"

#include <boost/test/unit_test.hpp>

#include "ruler/errors/fingerprint_rules.hpp"
#include "ruler/errors/glob.hpp"

using namespace stackwatch;
using namespace stackwatch::errors;

namespace {

ErrorEvent occurrence(std::string type, std::string message, std::string stack = "") {
    ErrorEvent e;
    e.type = std::move(type);
    e.message = std::move(message);
    e.stack = std::move(stack);
    e.frames = parse_stack(e.stack);
    return e;
}

const char* kNodeStack = R"(TypeError: Cannot read properties of undefined (reading 'id')
    at loadUser (/app/src/users.js:42:17)
    at processTicksAndRejections (node:internal/process/task_queues:95:5)
    at async handler (/app/node_modules/express/lib/router.js:10:3))";

}  // namespace

BOOST_AUTO_TEST_SUITE(fingerprints)

BOOST_AUTO_TEST_CASE(variable_parts_of_a_message_are_made_constant) {
    BOOST_TEST(normalize_message("user 4711 not found in 'orders'") ==
               "user <n> not found in <str>");
    BOOST_TEST(normalize_message("request 550e8400-e29b-41d4-a716-446655440000 failed") ==
               "request <uuid> failed");
    BOOST_TEST(normalize_message("connect ECONNREFUSED 10.0.0.12:5432") ==
               "connect ECONNREFUSED <ip>");
    BOOST_TEST(normalize_message("object 0x7ffd1234 at deadbeef42 freed") ==
               "object <hex> at <hex> freed");
    BOOST_TEST(normalize_message("mail to ann@example.com bounced") == "mail to <email> bounced");
    BOOST_TEST(normalize_message("took 12.5 ms") == "took <n> ms");
    BOOST_TEST(normalize_message("bad cafe") == "bad cafe");  // short hex-shaped words stay
}

BOOST_AUTO_TEST_CASE(stacks_of_node_python_and_the_jvm_become_frames_most_recent_first) {
    auto node = parse_stack(kNodeStack);
    BOOST_REQUIRE_EQUAL(node.size(), 3u);
    BOOST_TEST(node[0].function == "loadUser");
    BOOST_TEST(node[0].file == "/app/src/users.js");
    BOOST_TEST(node[0].line == 42);
    BOOST_TEST(node[0].in_app);
    BOOST_TEST(!node[1].in_app);
    BOOST_TEST(!node[2].in_app);

    auto python = parse_stack(R"(Traceback (most recent call last):
  File "/srv/app/main.py", line 10, in <module>
  File "/srv/app/db.py", line 77, in connect
  File "/usr/lib/python3/dist-packages/psycopg2/__init__.py", line 122, in connect
psycopg2.OperationalError: connection refused)");
    BOOST_REQUIRE_EQUAL(python.size(), 3u);
    BOOST_TEST(python[0].function == "connect");
    BOOST_TEST(!python[0].in_app);
    BOOST_TEST(python[1].file == "/srv/app/db.py");
    BOOST_TEST(python[1].line == 77);

    auto jvm = parse_stack(
        "java.lang.IllegalStateException: boom\n\tat com.shop.Cart.total(Cart.java:31)\n\tat "
        "java.base/java.lang.Thread.run(Thread.java:833)");
    BOOST_REQUIRE_EQUAL(jvm.size(), 2u);
    BOOST_TEST(jvm[0].function == "com.shop.Cart.total");
    BOOST_TEST(jvm[0].line == 31);
}

BOOST_AUTO_TEST_CASE(the_default_fingerprint_ignores_ids_and_line_numbers_but_not_the_kind) {
    auto a = occurrence("TypeError", "user 1 has no cart", kNodeStack);
    auto b = occurrence("TypeError", "user 2 has no cart", kNodeStack);
    std::string moved = kNodeStack;
    moved.replace(moved.find(":42:17"), 6, ":44:17");
    auto c = occurrence("TypeError", "user 3 has no cart", moved);
    BOOST_TEST(default_fingerprint(a) == default_fingerprint(b));
    BOOST_TEST(default_fingerprint(a) == default_fingerprint(c));
    BOOST_TEST(default_fingerprint(a).starts_with("TypeError:"));
    BOOST_TEST(default_fingerprint(a).size() == std::string("TypeError:").size() + 16);

    BOOST_TEST(default_fingerprint(a) !=
               default_fingerprint(occurrence("RangeError", "user 1 has no cart", kNodeStack)));
    BOOST_TEST(default_fingerprint(a) !=
               default_fingerprint(occurrence("TypeError", "user 1 has no order", kNodeStack)));
    std::string elsewhere = kNodeStack;
    elsewhere.replace(elsewhere.find("loadUser"), 8, "saveUser");
    BOOST_TEST(default_fingerprint(a) !=
               default_fingerprint(occurrence("TypeError", "user 1 has no cart", elsewhere)));
    BOOST_TEST(default_fingerprint(occurrence("", "x")).starts_with("Error:"));
    BOOST_TEST(default_fingerprint(occurrence("a:b c", "x")).starts_with("a_b_c:"));
}

BOOST_AUTO_TEST_CASE(sender_parts_are_joined_and_default_stands_for_the_default) {
    auto e = occurrence("TypeError", "boom");
    BOOST_TEST(fingerprint_from_parts({"database", "connection", "timeout"}, e) ==
               "database:connection:timeout");
    BOOST_TEST(fingerprint_from_parts({"checkout", "{{ default }}"}, e) ==
               "checkout:" + default_fingerprint(e));
    BOOST_TEST(fingerprint_from_parts({}, e) == default_fingerprint(e));
}

BOOST_AUTO_TEST_CASE(titles_are_one_line_of_at_most_200_bytes) {
    BOOST_TEST(error_title(occurrence("Error", "first\nsecond")) == "Error: first");
    auto long_title = error_title(occurrence("E", std::string(500, 'x')));
    BOOST_TEST(long_title.size() == 200u);
    BOOST_TEST(long_title.ends_with("..."));
}

BOOST_AUTO_TEST_CASE(globs_match_whole_fingerprints_and_escape_for_sqlite) {
    Glob db("database:connection:*");
    BOOST_TEST(db.matches("database:connection:refused"));
    BOOST_TEST(!db.matches("database:auth:failed"));
    BOOST_TEST(!db.matches("x:database:connection:refused"));
    BOOST_TEST(Glob("*:timeout").matches("external:http:timeout"));
    BOOST_TEST(Glob("a.b").matches("a.b"));
    BOOST_TEST(!Glob("a.b").matches("axb"));  // '.' is not special
    BOOST_TEST(Glob("auth:*").literal() == false);
    BOOST_TEST(Glob("auth:token:invalid").literal());
    BOOST_TEST(Glob("what?[x]*").sqlite_glob() == "what[?][[]x]*");
}

BOOST_AUTO_TEST_CASE(the_first_matching_rule_gives_the_fingerprint) {
    auto rules = FingerprintRules::parse(ConfigNode::load_string(R"(
- match: {type: "ConnectionError", message: "*ECONNREFUSED*"}
  fingerprint: [database, connection, refused]
  title: Database refused the connection
- match: {type: "ConnectionError"}
  fingerprint: ["database:connection", "{{ default }}"]
- match: {frame: "*billing*"}
  fingerprint: external:billing
)",
                                                                 "ruler.yml"));
    BOOST_TEST(rules.size() == 3u);
    auto refused = occurrence("ConnectionError", "connect ECONNREFUSED 10.0.0.1:5432");
    rules.apply(refused);
    BOOST_TEST(refused.fingerprint == "database:connection:refused");
    BOOST_TEST(refused.title == "Database refused the connection");

    auto other = occurrence("ConnectionError", "socket hang up");
    rules.apply(other);
    BOOST_TEST(other.fingerprint == "database:connection:" + default_fingerprint(other));
    BOOST_TEST(other.title == "ConnectionError: socket hang up");

    auto billing =
        occurrence("Error", "402", "Error: 402\n    at charge (/app/billing/pay.js:3:1)");
    rules.apply(billing);
    BOOST_TEST(billing.fingerprint == "external:billing");

    auto plain = occurrence("RangeError", "too far");
    plain.fingerprint_parts = {"mine"};
    rules.apply(plain);
    BOOST_TEST(plain.fingerprint == "mine");  // no rule: the sender's parts
}

BOOST_AUTO_TEST_CASE(a_bad_rule_names_its_line_and_field) {
    auto message = [](const std::string& text) {
        try {
            FingerprintRules::parse(ConfigNode::load_string(text, "ruler.yml"));
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    auto unknown =
        message("- match: {type: X}\n  fingerprint: a\n- match: {colour: red}\n  fingerprint: b\n");
    BOOST_TEST(unknown.find("ruler.yml:3") != std::string::npos, unknown);
    BOOST_TEST(unknown.find("colour") != std::string::npos, unknown);
    auto missing = message("- match: {type: X}\n");
    BOOST_TEST(missing.find("fingerprint") != std::string::npos, missing);
    auto empty = message("- match: {type: X}\n  fingerprint: []\n");
    BOOST_TEST(empty.find("must not be empty") != std::string::npos, empty);
}

BOOST_AUTO_TEST_SUITE_END()
