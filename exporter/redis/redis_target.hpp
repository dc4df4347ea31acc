#pragma once
// One Redis server as a scrape target, reporting redis_exporter's families (so its dashboards
// and alerts apply unchanged) plus stackwatch_redis_command_latency_seconds. A single connection
// is kept between scrapes, named "stackwatch-exporter" in CLIENT LIST; each scrape costs two
// round trips (PING, then one pipeline with INFO ALL, CONFIG GET, SLOWLOG and LATENCY), and a
// connection that misses a deadline is closed and rebuilt on the next scrape.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "exporter/redis/redis_address.hpp"
#include "exporter/redis/redis_connection.hpp"
#include "exporter/target.hpp"

namespace stackwatch::exporter::redis {

struct RedisTargetOptions {
    std::string name;      // the target's name in logs, /probe and the orchestrator's label
    std::string address;   // redis://[user:password@]host:port, host:port or unix:///path
    std::string user;      // as REDIS_USER: with a password, AUTH user password (Redis 6 ACL)
    std::string password;  // as REDIS_PASSWORD: AUTH password
    // LATENCY HISTOGRAM per scrape (redis_exporter's default; its reply grows with the number of
    // distinct commands the server has seen).
    bool latency_histograms = true;
};

class RedisTarget : public Target {
  public:
    // Throws stackwatch::ConfigError on a bad or unsupported address (rediss://).
    explicit RedisTarget(RedisTargetOptions options);

    const std::string& name() const override { return options_.name; }
    std::string kind() const override { return "redis"; }
    void collect(MetricSet& out, Deadline deadline, LatencyObserver& latency) override;
    // {"status": "ok"|"degraded"|"down", "latency_ms", "used_memory", "maxmemory",
    //  "connected_clients", "maxclients", "role", "error"}; degraded means memory or clients at
    // 90% or more of their limit.
    nlohmann::json health(Deadline deadline, LatencyObserver& latency) override;

    const RedisEndpoint& endpoint() const { return endpoint_; }

  private:
    double ensure_connected(Deadline deadline);  // seconds spent connecting, 0 when reused
    double ping(Deadline deadline, LatencyObserver& latency);  // round-trip seconds
    double connect_and_ping(Deadline deadline, LatencyObserver& latency, double& connect_seconds);
    std::vector<Reply> run(const std::vector<Command>& commands, Deadline deadline);
    void scrape(MetricSet& out, Deadline deadline, LatencyObserver& latency,
                double& connect_seconds);
    std::string describe_failure(const std::exception& error) const;
    void note_outcome(const std::string& error);

    RedisTargetOptions options_;
    RedisEndpoint endpoint_;
    std::vector<Command> scrape_commands_;
    std::unique_ptr<RedisConnection> connection_;
    std::uint64_t scrapes_ = 0;
    double scrape_seconds_sum_ = 0;
    std::string last_error_;
};

}  // namespace stackwatch::exporter::redis
