// stackwatch's own failures: the runbook's fingerprints for what client libraries say, and the
// process-wide sink.

#include "common/failure_report.hpp"

#include <boost/test/unit_test.hpp>

using namespace stackwatch;

BOOST_AUTO_TEST_SUITE(failure_report)

BOOST_AUTO_TEST_CASE(libpq_messages_get_database_fingerprints) {
    BOOST_TEST(database_failure_fingerprint(
                   "connection to server at \"127.0.0.1\", port 5432 failed: Connection refused") ==
               "database:connection:refused");
    BOOST_TEST(database_failure_fingerprint("timeout expired") == "database:connection:timeout");
    BOOST_TEST(database_failure_fingerprint(
                   "FATAL:  password authentication failed for user \"app\"") ==
               "database:auth:failed");
    BOOST_TEST(database_failure_fingerprint("FATAL:  sorry, too many clients already") ==
               "database:connection:exhausted");
    BOOST_TEST(database_failure_fingerprint("server closed the connection unexpectedly") ==
               "database:connection:lost");
    BOOST_TEST(database_failure_fingerprint("ERROR:  permission denied for table t") ==
               "database:permission:denied");
    BOOST_TEST(database_failure_fingerprint("ERROR:  division by zero") == "database:query:failed");
}

BOOST_AUTO_TEST_CASE(hiredis_and_http_messages_get_theirs) {
    BOOST_TEST(redis_failure_fingerprint("Connection refused") == "redis:connection:refused");
    BOOST_TEST(redis_failure_fingerprint("NOAUTH Authentication required.") ==
               "redis:auth:failed");
    BOOST_TEST(redis_failure_fingerprint("Timeout") == "redis:connection:timeout");
    BOOST_TEST(http_failure_fingerprint(503, "") == "external:http:503");
    BOOST_TEST(http_failure_fingerprint(0, "Timeout was reached") == "external:timeout");
    BOOST_TEST(http_failure_fingerprint(0, "Couldn't connect to server") ==
               "external:connection:refused");
    BOOST_TEST(http_failure_fingerprint(0, "Couldn't resolve host name") ==
               "external:connection:dns");
    BOOST_TEST(http_failure_fingerprint(0, "SSL peer certificate or SSH remote key was not OK") ==
               "external:tls");
}

BOOST_AUTO_TEST_CASE(reports_reach_the_sink_until_it_is_removed) {
    std::vector<std::string> seen;
    set_failure_sink([&](const Failure& f) { seen.push_back(f.fingerprint); });
    report_failure({.fingerprint = "auth:token:invalid"});
    set_failure_sink({});
    report_failure({.fingerprint = "auth:token:missing"});
    BOOST_TEST(seen == std::vector<std::string>{"auth:token:invalid"});
}

BOOST_AUTO_TEST_SUITE_END()
