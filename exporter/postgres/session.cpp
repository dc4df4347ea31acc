#include "exporter/postgres/session.hpp"

#include <libpq-fe.h>

#include <map>
#include <pqxx/pqxx>
#include <stdexcept>

#include "common/redact.hpp"
#include "exporter/postgres/bounded_connection.hpp"

namespace stackwatch::exporter::postgres {
namespace {

using std::chrono::milliseconds;

std::map<std::string, std::string> parse_dsn(const std::string& dsn) {
    char* error = nullptr;
    PQconninfoOption* parsed = PQconninfoParse(dsn.c_str(), &error);
    if (!parsed) {
        std::string why = error ? error : "out of memory";
        PQfreemem(error);
        while (!why.empty() && why.back() == '\n') why.pop_back();
        throw std::invalid_argument("invalid PostgreSQL DSN " + redact(dsn) + ": " + redact(why));
    }
    std::map<std::string, std::string> values;
    for (auto* option = parsed; option->keyword; ++option)
        if (option->val) values[option->keyword] = option->val;
    PQconninfoFree(parsed);
    return values;
}

std::string quote_conninfo_value(const std::string& value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\\' || c == '\'') out += '\\';
        out += c;
    }
    return out + "'";
}

std::string short_version(int version_num) {
    int major = version_num / 10000;
    if (major >= 10)
        return std::to_string(major) + "." + std::to_string(version_num % 10000) + ".0";
    return std::to_string(major) + "." + std::to_string(version_num / 100 % 100) + "." +
           std::to_string(version_num % 100);
}

}  // namespace

std::string build_conninfo(const PostgresOptions& options) {
    auto values = parse_dsn(options.dsn);
    if (options.user) values["user"] = *options.user;
    if (options.password) values["password"] = *options.password;
    for (const auto& [key, value] : options.connection_options) values[key] = value;
    values["application_name"] = "stackwatch-exporter";
    std::string server_options = "-c lock_timeout=" + std::to_string(options.lock_timeout.count());
    values["options"] =
        values.count("options") ? values["options"] + " " + server_options : server_options;
    // Connecting is bounded by BoundedConnection; libpq's own timeout would only be coarser.
    values.erase("connect_timeout");

    std::string conninfo;
    for (const auto& [key, value] : values) {
        if (!conninfo.empty()) conninfo += ' ';
        conninfo += key + "=" + quote_conninfo_value(value);
    }
    return conninfo;
}

std::string server_address(const PostgresOptions& options) {
    auto values = parse_dsn(options.dsn);
    std::string host = values.count("host")       ? values["host"]
                       : values.count("hostaddr") ? values["hostaddr"]
                                                  : "localhost";
    return host + ":" + (values.count("port") ? values["port"] : "5432");
}

Session::Session(const PostgresOptions& options)
    : conninfo_(build_conninfo(options)), connect_timeout_(options.connect_timeout) {
    if (options.statement_timeout.count() > 0) default_timeout_ = options.statement_timeout;
}

Session::~Session() = default;

void Session::ensure_connected(Deadline deadline) {
    if (conn_) {
        if (still_open()) return;
        disconnect();
    }
    auto bound = std::min(deadline.at, std::chrono::steady_clock::now() + connect_timeout_);
    conn_ = std::make_unique<BoundedConnection>(conninfo_, bound);
    prepared_.clear();
    statement_timeout_.reset();
    ++generation_;
    try {
        read_facts(deadline);
    } catch (...) {
        disconnect();
        throw;
    }
}

bool Session::still_open() {
    // Reads whatever the server sent since the last statement without waiting: a server that shut
    // down has said so and closed the socket. Finding out here rather than in a statement also
    // sidesteps pqxx 6.4 leaking the error result of a statement on a dead connection.
    try {
        conn_->get_notifs();
    } catch (const pqxx::broken_connection&) {
        return false;
    }
    return conn_->is_open();
}

void Session::disconnect() {
    conn_.reset();
    prepared_.clear();
    statement_timeout_.reset();
}

void Session::read_facts(Deadline deadline) {
    auto result = run("stackwatch_server_facts",
                      "SELECT version(), current_setting('server_version_num')::int, "
                      "extract(epoch FROM pg_postmaster_start_time())::float8",
                      deadline);
    const auto& row = result.at(0);
    facts_.version = row[0].as<std::string>();
    facts_.version_num = row[1].as<int>();
    facts_.short_version = short_version(facts_.version_num);
    facts_.postmaster_start_time = row[2].as<double>();
}

void Session::bound_statement_time(Deadline deadline, std::optional<milliseconds> timeout) {
    auto remaining = deadline.remaining();
    // Leave a little of the deadline for reading the answer and reporting.
    milliseconds want = remaining - std::min(milliseconds(100), remaining / 10);
    if (timeout && *timeout < want) want = *timeout;
    if (want.count() <= 0) throw std::runtime_error("no time left before the scrape deadline");
    // Re-setting costs a round trip, so a timeout up to twice as strict as needed is kept.
    if (statement_timeout_ && *statement_timeout_ <= want && *statement_timeout_ >= want / 2)
        return;
    // Through a prepared statement, like everything else: pqxx 6.4's simple-query path leaks a
    // result when the connection turns out to be dead.
    prepare_once("stackwatch_set_statement_timeout",
                 "SELECT set_config('statement_timeout', $1, false)");
    pqxx::nontransaction tx(*conn_);
    tx.exec_prepared("stackwatch_set_statement_timeout", std::to_string(want.count()));
    statement_timeout_ = want;
}

void Session::prepare_once(const std::string& name, const std::string& sql) {
    if (prepared_.insert(name).second) conn_->prepare(name, sql);
}

pqxx::result Session::run(const std::string& name, const std::string& sql, Deadline deadline,
                          std::optional<milliseconds> timeout) {
    if (!conn_) throw pqxx::broken_connection("not connected");
    try {
        ArmedWatchdog armed(watchdog_, conn_->sock(), deadline.at);
        bound_statement_time(deadline, timeout ? timeout : default_timeout_);
        prepare_once(name, sql);
        pqxx::nontransaction tx(*conn_);
        return tx.exec_prepared(name);
    } catch (...) {
        bool cut = watchdog_.fired();
        if (cut || !conn_->is_open()) disconnect();
        if (cut)
            throw pqxx::broken_connection("no answer before the scrape deadline; reconnecting");
        throw;
    }
}

}  // namespace stackwatch::exporter::postgres
