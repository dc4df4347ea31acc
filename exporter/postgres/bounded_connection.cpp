#include "exporter/postgres/bounded_connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <pqxx/pqxx>

#include "common/redact.hpp"

namespace stackwatch::exporter::postgres {
namespace {

[[noreturn]] void fail(PGconn* conn, const std::string& why) {
    std::string message = why;
    if (conn) {
        if (const char* detail = PQerrorMessage(conn); detail && *detail)
            message += ": " + std::string(detail);
        PQfinish(conn);
    }
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
        message.pop_back();
    throw pqxx::broken_connection(redact(message));
}

}  // namespace

pqxx::connectionpolicy::handle BoundedConnectPolicy::do_startconnect(handle orig) {
    if (orig) return orig;
    if (started_)
        throw pqxx::broken_connection("connection lost; a new one is opened on the next scrape");
    started_ = true;

    PGconn* conn = PQconnectStart(options().c_str());
    if (!conn) throw pqxx::broken_connection("out of memory starting a connection");
    if (PQstatus(conn) == CONNECTION_BAD) fail(conn, "cannot connect");

    PostgresPollingStatusType state = PGRES_POLLING_WRITING;
    while (state != PGRES_POLLING_OK) {
        if (state == PGRES_POLLING_FAILED) fail(conn, "cannot connect");
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline_ - std::chrono::steady_clock::now());
        pollfd fd{PQsocket(conn),
                  static_cast<short>(state == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
        if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) == 0) {
            PQfinish(conn);
            fail(nullptr, "timed out connecting");
        }
        state = PQconnectPoll(conn);
    }
    connection_ = conn;
    return conn;
}

BoundedConnection::BoundedConnection(const std::string& conninfo,
                                     std::chrono::steady_clock::time_point deadline)
    : pqxx::connection_base(policy_), policy_(conninfo, deadline) {
    init();
}

}  // namespace stackwatch::exporter::postgres
