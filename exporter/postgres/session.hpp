#pragma once
// The one reused connection to a PostgreSQL server and what every collector needs from it:
// statements prepared once per connection, each bounded by the scrape's deadline, and the facts
// about the server that only change across a reconnect. A scrape's statements travel together in
// libpq's pipeline mode: one round trip instead of one per collector, and one that fails still
// fails alone (see prefetch).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "exporter/postgres/postgres_options.hpp"
#include "exporter/postgres/result.hpp"
#include "exporter/postgres/socket_watchdog.hpp"
#include "exporter/target.hpp"

namespace stackwatch::exporter::postgres {

class BoundedConnection;

// Whether the server is a replica is not among them: promotion keeps connections open, so it is
// read live where it matters.
struct ServerFacts {
    int version_num = 0;               // server_version_num, e.g. 150004
    std::string version;               // version()
    std::string short_version;         // "15.4.0", as postgres_exporter's pg_static shows it
    double postmaster_start_time = 0;  // Unix seconds
};

// libpq conninfo from the options: the DSN (URI or key=value) with the auth module's user,
// password and options layered on, application_name set and lock_timeout added. Throws
// std::invalid_argument (without the password) when the DSN does not parse.
std::string build_conninfo(const PostgresOptions& options);
// "host:port" of the DSN, for logs and labels.
std::string server_address(const PostgresOptions& options);

struct Statement {
    std::string name;  // prepared under this name once per connection
    std::string sql;
    // Cancelled by the server after this long (else the options' statement_timeout), and always
    // before the scrape's deadline.
    std::optional<std::chrono::milliseconds> timeout;
};

class Session {
  public:
    explicit Session(const PostgresOptions& options);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Opens a connection when there is none or the server has closed the one we had; throws
    // pqxx::broken_connection.
    void ensure_connected(Deadline deadline);
    void disconnect();
    bool connected() const { return conn_ != nullptr; }
    // Changes with every new connection, so caches of per-server facts know to start over.
    std::uint64_t generation() const { return generation_; }
    const ServerFacts& facts() const { return facts_; }

    // Sends every statement in one pipeline; run() then reads each answer as it arrives, so a
    // collector works on its rows while the server runs the next statements. They share one
    // sync, since a sync per statement costs the server a commit and a flush each: when one
    // fails, run() sends each statement its failure skipped again on its own. Answers not taken
    // are dropped by the next prefetch.
    void prefetch(const std::vector<Statement>& statements, Deadline deadline);
    // The statement's answer: from the pipeline when it was sent there, or else it runs now.
    // Throws the server's error for a failed statement; a broken connection is dropped and
    // reported as pqxx::broken_connection.
    Result run(const std::string& name, const std::string& sql, Deadline deadline,
               std::optional<std::chrono::milliseconds> timeout = std::nullopt);
    // Reads whatever the pipeline still owes and leaves pipeline mode.
    void finish();

  private:
    struct Answer {
        Result result;
        std::string error;
        bool skipped = false;  // not run because an earlier statement of its group failed
    };
    // One step of the pipeline: a statement (prepared first when new) or, without one, a change
    // of statement_timeout. `sync` ends a group: a failure skips the rest of its group only.
    struct Step {
        std::optional<Statement> statement;
        bool prepare = false;
        std::chrono::milliseconds timeout{};
        bool sync = true;
    };

    void send(const std::vector<Statement>& statements, Deadline deadline);
    void receive_next();
    void lose(const std::string& why);
    std::chrono::milliseconds statement_time(
        Deadline deadline, std::optional<std::chrono::milliseconds> timeout) const;
    bool still_open();
    void read_facts(Deadline deadline);

    std::string conninfo_;
    std::chrono::milliseconds connect_timeout_;
    std::optional<std::chrono::milliseconds> default_timeout_;
    std::unique_ptr<BoundedConnection> conn_;
    std::set<std::string> prepared_;
    std::optional<std::chrono::milliseconds> statement_timeout_;  // what the server has now
    std::vector<Step> steps_;
    std::size_t next_step_ = 0;
    std::unordered_map<std::string, Answer> answers_;
    std::uint64_t generation_ = 0;
    ServerFacts facts_;
    SocketWatchdog watchdog_;
};

}  // namespace stackwatch::exporter::postgres
