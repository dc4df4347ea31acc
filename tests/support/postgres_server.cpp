#include "tests/support/postgres_server.hpp"

#include <libpq-fe.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <pqxx/pqxx>
#include <stdexcept>
#include <thread>

#include "tests/support/ports.hpp"
#include "tests/support/process.hpp"

namespace stackwatch::test {

std::string postgres_bin_dir() {
    if (const char* env = std::getenv("STACKWATCH_PG_BINDIR"); env && *env) return env;
    std::vector<std::string> candidates;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec))
        if (std::filesystem::exists(entry.path() / "bin" / "postgres"))
            candidates.push_back((entry.path() / "bin").string());
    if (candidates.empty())
        throw std::runtime_error(
            "no PostgreSQL server under /usr/lib/postgresql (run scripts/setup)");
    std::sort(candidates.begin(), candidates.end(), [](const std::string& a, const std::string& b) {
        return a.size() != b.size() ? a.size() < b.size() : a < b;
    });
    return candidates.back();
}

PostgresServer::PostgresServer(const PostgresSettings& settings)
    : bin_dir_(postgres_bin_dir()), settings_(settings) {
    root_ = make_temp_dir("stackwatch-pg", "postgres");
    data_dir_ = root_ / "data";
    port_ = free_port();
    if (const PostgresServer* primary = settings.replica_of) {
        password_ = primary->password();
        // initdb's pg_hba.conf already lets 127.0.0.1 replicate with a password.
        primary_conninfo_ = "host=127.0.0.1 port=" + std::to_string(primary->port()) +
                            " user=postgres password=" + password_ +
                            " application_name=stackwatch_test_replica";
        run_checked({bin_dir_ + "/pg_basebackup", "-D", data_dir_.string(), "-d", primary_conninfo_,
                     "-X", "stream", "--write-recovery-conf", "--no-sync"},
                    {.run_as = "postgres"});
    } else {
        auto pwfile = root_ / "pwfile";
        std::ofstream(pwfile) << password_ << "\n";
        if (running_as_root() && ::chown(pwfile.c_str(), 0, 0) == 0) {
            std::filesystem::permissions(
                pwfile, std::filesystem::perms::owner_read | std::filesystem::perms::others_read);
        }
        run_checked({bin_dir_ + "/initdb", "-D", data_dir_.string(), "-U", "postgres", "-E", "UTF8",
                     "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256",
                     "--pwfile=" + pwfile.string(), "--no-sync"},
                    {.run_as = "postgres"});
        std::filesystem::remove(pwfile);
    }
    start();
}

PostgresServer::~PostgresServer() {
    stop();
    remove_dir(root_);
}

std::string PostgresServer::dsn(const std::string& database) const {
    return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres password=" + password_ +
           " dbname=" + database + " connect_timeout=5";
}

std::string PostgresServer::uri(const std::string& database) const {
    return "postgresql://postgres:" + password_ + "@127.0.0.1:" + std::to_string(port_) + "/" +
           database + "?sslmode=disable";
}

std::string PostgresServer::log() const {
    return read_tail(root_ / "postgres.log", 4000);
}

void PostgresServer::start() {
    if (pid_ > 0) return;
    std::vector<std::string> argv = {bin_dir_ + "/postgres",
                                     "-D",
                                     data_dir_.string(),
                                     "-p",
                                     std::to_string(port_),
                                     "-k",
                                     root_.string(),
                                     "-c",
                                     "listen_addresses=127.0.0.1",
                                     "-c",
                                     "fsync=off",
                                     "-c",
                                     "synchronous_commit=off",
                                     "-c",
                                     "full_page_writes=off",
                                     "-c",
                                     "shared_preload_libraries=pg_stat_statements",
                                     "-c",
                                     "track_io_timing=on",
                                     "-c",
                                     "max_connections=" + std::to_string(settings_.max_connections),
                                     "-c",
                                     "logging_collector=off"};
    if (!primary_conninfo_.empty()) {
        // Given here rather than trusting what pg_basebackup wrote: the primary's port is fixed.
        argv.insert(argv.end(), {"-c", "primary_conninfo=" + primary_conninfo_, "-c",
                                 "hot_standby_feedback=on"});
    }
    pid_ = spawn(argv, {.run_as = "postgres", .log_file = root_ / "postgres.log"});
    guard_pid(pid_);
    // Poll until the server answers; the deadline only bounds a server that never comes up.
    std::string conninfo = dsn();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (PQping(conninfo.c_str()) != PQPING_OK) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            unguard_pid(pid_);
            pid_ = -1;
            throw std::runtime_error("PostgreSQL exited during start-up:\n" + log());
        }
        if (std::chrono::steady_clock::now() > deadline) {
            stop();
            throw std::runtime_error("PostgreSQL did not accept connections within 60 s:\n" +
                                     log());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
}

void PostgresServer::stop() {
    if (pid_ <= 0) return;
    stop_process(pid_, SIGINT, std::chrono::seconds(30));
    unguard_pid(pid_);
    pid_ = -1;
}

std::string PostgresServer::query_value(const std::string& sql, const std::string& database) const {
    pqxx::connection conn(dsn(database));
    pqxx::nontransaction tx(conn);
    auto result = tx.exec(sql);
    if (result.empty() || result[0].empty() || result[0][0].is_null()) return "";
    return result[0][0].c_str();
}

PostgresServer& shared_postgres() {
    static std::unique_ptr<PostgresServer> server = std::make_unique<PostgresServer>();
    return *server;
}

}  // namespace stackwatch::test
