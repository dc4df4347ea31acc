#pragma once
// A throwaway PostgreSQL 15 for tests: initdb in a temp dir (as the postgres system user when we
// are root, since PostgreSQL refuses to run as root), a free port on 127.0.0.1, the socket in the
// temp dir, fsync off, pg_stat_statements preloaded. One per test binary via shared_postgres().
// A server can also be a streaming replica of another, made with pg_basebackup.

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace stackwatch::test {

struct PostgresSettings {
    int max_connections = 200;
    // Cloned from this running primary with pg_basebackup and started as its hot standby.
    const class PostgresServer* replica_of = nullptr;
};

class PostgresServer {
  public:
    PostgresServer() : PostgresServer(PostgresSettings{}) {}
    explicit PostgresServer(const PostgresSettings& settings);
    ~PostgresServer();
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    void start();  // waits until it accepts connections; throws with the server log otherwise
    void stop();   // fast shutdown: simulates an outage
    bool running() const { return pid_ > 0; }

    int port() const { return port_; }
    const std::string& password() const { return password_; }
    std::string user() const { return "postgres"; }
    // libpq key=value string and URI forms for the given database.
    std::string dsn(const std::string& database = "postgres") const;
    std::string uri(const std::string& database = "postgres") const;
    const std::filesystem::path& data_dir() const { return data_dir_; }
    std::filesystem::path pid_file() const { return data_dir_ / "postmaster.pid"; }
    pid_t pid() const { return pid_; }
    std::string log() const;

    // Runs SQL on a fresh connection; returns the first column of the first row (or "").
    std::string query_value(const std::string& sql, const std::string& database = "postgres") const;

  private:
    std::filesystem::path root_;
    std::filesystem::path data_dir_;
    std::string bin_dir_;
    PostgresSettings settings_;
    std::string primary_conninfo_;  // empty unless a replica
    std::string password_ = "pg-test-secret";
    int port_ = 0;
    pid_t pid_ = -1;
};

PostgresServer& shared_postgres();
std::string postgres_bin_dir();

}  // namespace stackwatch::test
