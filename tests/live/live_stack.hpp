#pragma once
// The whole system on live parts, as a user runs it: PostgreSQL with a streaming replica, Redis
// with a replica, stackwatch-exporter watching all four and their processes, stackwatch-ruler
// scraping it (and itself) with a rule directory and delivering to a webhook receiver, and
// Debian's Prometheus 2.42 scraping both with the same rules. Everything scrapes and evaluates
// every second.

#include <atomic>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "tests/support/http_receiver.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/program.hpp"
#include "tests/support/prometheus_server.hpp"
#include "tests/support/redis_server.hpp"

namespace stackwatch::test {

std::filesystem::path source_dir();  // $STACKWATCH_SOURCE_DIR, set by ctest

struct LiveStackOptions {
    std::filesystem::path rules_dir = source_dir() / "rules";  // every *.yml in it is loaded
    int postgres_max_connections = 200;
};

class LiveStack {
  public:
    explicit LiveStack(const LiveStackOptions& options = {});
    ~LiveStack();

    PostgresServer primary;
    std::unique_ptr<PostgresServer> replica;
    RedisServer redis;
    std::unique_ptr<RedisServer> redis_replica;
    HttpReceiver receiver;  // the ruler's only receiver (group_wait 0s, group_interval 1s)
    std::unique_ptr<Program> exporter;
    std::unique_ptr<Program> ruler;
    std::unique_ptr<PrometheusServer> prometheus;

    std::string exporter_address() const;
    std::string ruler_address() const;

    // Prometheus's HTTP API: the `data` member of a successful answer; throws otherwise.
    nlohmann::json prometheus_api(const std::string& path_and_query) const;
    // Alerts in the firing state, as "alertname instance target" keys, from /api/v1/alerts.
    std::set<std::string> firing_in_prometheus() const;
    std::set<std::string> firing_in_ruler() const;

    // A background load until the stack is destroyed: commits, rollbacks and reads on the
    // primary, hits and misses on Redis, a few times a second.
    void start_load();

  private:
    void load_loop();

    std::filesystem::path dir_;
    std::atomic<bool> stop_load_{false};
    std::thread load_;
};

}  // namespace stackwatch::test
