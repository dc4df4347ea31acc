// The session's pipeline against the real server: every answer reaches its statement, a failing
// statement fails alone, and statements prepared in a pipeline stay prepared.

#include "exporter/postgres/session.hpp"

#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include "tests/exporter/postgres/postgres_fixture.hpp"

using namespace stackwatch;
using namespace stackwatch::test;
using exporter::Deadline;
using exporter::postgres::Session;
using exporter::postgres::Statement;

namespace {

std::string first_value(const exporter::postgres::Result& result) {
    return result.at(0)[0].c_str();
}

void require_error(Session& session, const Statement& statement, const std::string& expected) {
    try {
        session.run(statement.name, statement.sql, Deadline::in(std::chrono::seconds(5)),
                    statement.timeout);
        BOOST_ERROR(statement.name << " should have failed");
    } catch (const std::runtime_error& e) {
        BOOST_TEST(std::string(e.what()).find(expected) != std::string::npos, e.what());
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_session)

BOOST_AUTO_TEST_CASE(each_statement_gets_its_own_answer_and_failures_stay_alone) {
    Session session(test_options());
    auto deadline = Deadline::in(std::chrono::seconds(10));
    session.ensure_connected(deadline);
    std::vector<Statement> statements = {{"t_first", "SELECT 'one'", {}},
                                         {"t_divides", "SELECT 1/0", {}},
                                         {"t_typo", "SELEC 2", {}},
                                         {"t_last", "SELECT 'three'", {}}};
    for (int round = 0; round < 2; ++round) {
        BOOST_TEST_CONTEXT("round " << round) {
            session.prefetch(statements, deadline);
            BOOST_TEST(first_value(session.run("t_first", "SELECT 'one'", deadline)) == "one");
            require_error(session, statements[1], "division by zero");
            require_error(session, statements[2], "syntax error");
            // Skipped in the pipeline after the failures, then run on its own.
            BOOST_TEST(first_value(session.run("t_last", "SELECT 'three'", deadline)) == "three");
            session.finish();
        }
    }
    // The first round's failures left the connection usable.
    BOOST_TEST(session.connected());
}

BOOST_AUTO_TEST_CASE(a_statement_outside_the_pipeline_runs_after_it) {
    Session session(test_options());
    auto deadline = Deadline::in(std::chrono::seconds(10));
    session.ensure_connected(deadline);
    session.prefetch({{"t_a", "SELECT 'a'", {}}, {"t_b", "SELECT 'b'", {}}}, deadline);
    BOOST_TEST(first_value(session.run("t_alone", "SELECT 'alone'", deadline)) == "alone");
    BOOST_TEST(first_value(session.run("t_b", "SELECT 'b'", deadline)) == "b");
    BOOST_TEST(first_value(session.run("t_a", "SELECT 'a'", deadline)) == "a");
}

BOOST_AUTO_TEST_CASE(a_statement_timeout_cancels_only_that_statement) {
    Session session(test_options());
    auto deadline = Deadline::in(std::chrono::seconds(10));
    session.ensure_connected(deadline);
    Statement slow{"t_slow", "SELECT pg_sleep(20)", std::chrono::milliseconds(200)};
    session.prefetch({slow, {"t_after", "SELECT 'after'", {}}}, deadline);
    require_error(session, slow, "statement timeout");
    BOOST_TEST(first_value(session.run("t_after", "SELECT 'after'", deadline)) == "after");
    BOOST_TEST(session.connected());
}

BOOST_AUTO_TEST_SUITE_END()
