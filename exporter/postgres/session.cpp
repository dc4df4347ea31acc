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

std::string error_text(const PGresult* result, PGconn* conn) {
    std::string text = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text.empty() ? "the server sent no answer" : text;
}

constexpr const char* kSetTimeout = "SELECT set_config('statement_timeout', $1, false)";

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
    finish();
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
    steps_.clear();
    next_step_ = 0;
    watchdog_.disarm();
    conn_.reset();
    prepared_.clear();
    statement_timeout_.reset();
}

void Session::read_facts(Deadline deadline) {
    auto result = run("stackwatch_server_facts",
                      "SELECT version(), current_setting('server_version_num')::int, "
                      "extract(epoch FROM pg_postmaster_start_time())::float8",
                      deadline);
    auto row = result.at(0);
    facts_.version = row[0].c_str();
    facts_.version_num = static_cast<int>(row[1].as_double());
    facts_.short_version = short_version(facts_.version_num);
    facts_.postmaster_start_time = row[2].as_double();
}

milliseconds Session::statement_time(Deadline deadline, std::optional<milliseconds> timeout) const {
    auto remaining = deadline.remaining();
    // Leave a little of the deadline for reading the answer and reporting.
    milliseconds want = remaining - std::min(milliseconds(100), remaining / 10);
    if (!timeout) timeout = default_timeout_;
    if (timeout && *timeout < want) want = *timeout;
    if (want.count() <= 0) throw std::runtime_error("no time left before the scrape deadline");
    return want;
}

void Session::prefetch(const std::vector<Statement>& statements, Deadline deadline) {
    finish();
    answers_.clear();
    if (!conn_) throw pqxx::broken_connection("not connected");
    send(statements, deadline);
}

Result Session::run(const std::string& name, const std::string& sql, Deadline deadline,
                    std::optional<milliseconds> timeout) {
    while (!answers_.count(name) && next_step_ < steps_.size()) receive_next();
    // Not in the pipeline, or skipped there after an earlier failure: it runs on its own.
    auto it = answers_.find(name);
    if (it == answers_.end() || it->second.skipped) {
        finish();
        if (!conn_) throw pqxx::broken_connection("not connected");
        send({{name, sql, timeout}}, deadline);
        finish();
        it = answers_.find(name);
    }
    Answer answer = std::move(it->second);
    answers_.erase(it);
    if (!answer.error.empty()) {
        if (!conn_) throw pqxx::broken_connection(answer.error);
        throw std::runtime_error(answer.error);
    }
    return std::move(answer.result);
}

void Session::send(const std::vector<Statement>& statements, Deadline deadline) {
    std::vector<Step> steps;
    auto server_timeout = statement_timeout_;
    std::set<std::string> preparing;
    for (const auto& statement : statements) {
        auto want = statement_time(deadline, statement.timeout);  // throws when time is up
        // Re-setting costs a statement, so a timeout up to twice as strict as needed is kept.
        if (!server_timeout || *server_timeout > want || *server_timeout < want / 2) {
            // In a group of its own: a failure in the group would roll the setting back.
            if (!steps.empty()) steps.back().sync = true;
            steps.push_back({std::nullopt, false, want});
            server_timeout = want;
        }
        bool prepare = !prepared_.count(statement.name) && preparing.insert(statement.name).second;
        steps.push_back({statement, prepare, {}, false});
    }
    if (!steps.empty()) steps.back().sync = true;
    steps_ = std::move(steps);
    next_step_ = 0;

    PGconn* conn = conn_->handle();
    watchdog_.arm(conn_->sock(), deadline.at);
    bool sent = PQenterPipelineMode(conn) == 1;
    for (const auto& step : steps_) {
        if (!sent) break;
        if (!step.statement) {
            std::string value = std::to_string(step.timeout.count());
            const char* values[] = {value.c_str()};
            sent =
                PQsendQueryParams(conn, kSetTimeout, 1, nullptr, values, nullptr, nullptr, 0) == 1;
        } else {
            const auto& [name, sql, timeout] = *step.statement;
            if (step.prepare)
                sent = PQsendPrepare(conn, name.c_str(), sql.c_str(), 0, nullptr) == 1;
            sent = sent &&
                   PQsendQueryPrepared(conn, name.c_str(), 0, nullptr, nullptr, nullptr, 0) == 1;
        }
        // A pipeline of a few dozen small messages fits the socket buffers, so sending in
        // blocking mode cannot wait on a server that is itself waiting for us to read.
        if (step.sync) sent = sent && PQpipelineSync(conn) == 1;
    }
    if (!sent) lose(error_text(nullptr, conn));
}

void Session::receive_next() {
    PGconn* conn = conn_->handle();
    const Step& step = steps_[next_step_++];
    Answer answer;
    bool prepared = false;
    // Each query's results end with a null; a group ends with the sync's result.
    for (int query = step.prepare ? 2 : 1; query > 0; --query) {
        bool failed = false;
        while (PGresult* raw = PQgetResult(conn)) {
            Result result(raw);
            auto status = PQresultStatus(raw);
            if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
                if (query == 1) answer.result = std::move(result);
            } else {
                failed = true;
                if (status == PGRES_PIPELINE_ABORTED) {
                    if (answer.error.empty()) {
                        answer.skipped = true;
                        answer.error = "not run: an earlier statement failed";
                    }
                } else if (answer.error.empty() || answer.skipped) {
                    answer.skipped = false;
                    answer.error = error_text(raw, conn);
                }
            }
        }
        if (PQstatus(conn) == CONNECTION_BAD) break;
        // The statement stays prepared even when its execution fails.
        if (query == 2 && !failed) prepared = true;
    }
    // The step stays unanswered: lose() fails it with the reason.
    auto lost = [&] {
        --next_step_;
        lose(answer.error.empty() ? error_text(nullptr, conn) : answer.error);
    };
    if (PQstatus(conn) == CONNECTION_BAD) return lost();
    if (step.sync) {
        Result sync(PQgetResult(conn));
        if (PQstatus(conn) == CONNECTION_BAD || !sync.raw() ||
            PQresultStatus(sync.raw()) != PGRES_PIPELINE_SYNC)
            return lost();
    }
    if (!step.statement) {
        statement_timeout_ = answer.error.empty() ? std::optional(step.timeout) : std::nullopt;
        return;
    }
    if (prepared) prepared_.insert(step.statement->name);
    answers_[step.statement->name] = std::move(answer);
}

void Session::finish() {
    while (next_step_ < steps_.size()) receive_next();
    steps_.clear();
    next_step_ = 0;
    if (!conn_) return;
    watchdog_.disarm();
    if (PQpipelineStatus(conn_->handle()) != PQ_PIPELINE_OFF &&
        PQexitPipelineMode(conn_->handle()) != 1)
        lose(error_text(nullptr, conn_->handle()));
}

void Session::lose(const std::string& why) {
    // What the pipeline left unanswered fails with the reason the connection ended.
    std::string reason =
        watchdog_.fired() ? "no answer before the scrape deadline; reconnecting" : why;
    for (std::size_t i = next_step_; i < steps_.size(); ++i)
        if (steps_[i].statement)
            answers_[steps_[i].statement->name] = {{}, "connection lost: " + reason};
    disconnect();
}

}  // namespace stackwatch::exporter::postgres
