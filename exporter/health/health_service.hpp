#pragma once
// The runbook's Health Service on the exporter: /health, /health/detailed, /health/live,
// /health/ready and /monitoring/metrics. Checks run concurrently under one deadline and the
// report is cached briefly, so probes cannot hammer the databases; concurrent requests during an
// evaluation share it.

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "common/http_server.hpp"
#include "exporter/collection.hpp"
#include "exporter/health/health_config.hpp"

namespace stackwatch::exporter::health {

struct Report {
    std::string status;  // ok | degraded | down
    nlohmann::json detailed;
    bool ready = false;
    nlohmann::json failing;  // required checks that are not reachable
    std::chrono::steady_clock::time_point at;
};

class HealthService {
public:
    HealthService(HealthConfig config, std::shared_ptr<Collection> collection);
    ~HealthService();

    // `token` guards /health/detailed and /monitoring/* (null: open).
    void register_routes(http::Server& server, std::shared_ptr<const http::Authenticator> token);
    std::shared_ptr<const Report> report();  // cached for config.cache_for
    void collect_into(MetricSet& out) const;
    // Re-evaluates every refresh_interval so the health metrics stay current without probes.
    void start_background_refresh();

private:
    std::shared_ptr<const Report> evaluate();
    void record(const std::string& check, const std::string& status, double seconds);

    HealthConfig config_;
    std::shared_ptr<Collection> collection_;
    std::mutex mutex_;
    std::shared_ptr<const Report> cached_;
    std::shared_future<std::shared_ptr<const Report>> in_flight_;
    bool evaluating_ = false;

    std::shared_ptr<prometheus::Registry> registry_;
    prometheus::Family<prometheus::Gauge>& up_;
    prometheus::Family<prometheus::Histogram>& duration_;

    std::mutex refresh_mutex_;
    std::condition_variable refresh_wake_;
    bool stopping_ = false;
    std::thread refresher_;
};

}  // namespace stackwatch::exporter::health
