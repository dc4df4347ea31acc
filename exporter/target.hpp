#pragma once
// A monitored thing (one PostgreSQL server, one Redis server, the named processes) and what the
// scrape orchestration needs of it. Each Target keeps its own reused connection; the orchestrator
// guarantees at most one collect() in flight per target, so implementations need no locking
// against themselves.

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "exporter/metric_set.hpp"

namespace stackwatch::exporter {

struct Deadline {
    std::chrono::steady_clock::time_point at;

    static Deadline in(std::chrono::milliseconds d) { return {std::chrono::steady_clock::now() + d}; }
    std::chrono::milliseconds remaining() const {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(at - std::chrono::steady_clock::now());
        return left.count() > 0 ? left : std::chrono::milliseconds(0);
    }
    bool expired() const { return std::chrono::steady_clock::now() >= at; }
};

// Observes how long a round-trip or a collector took; backed by the stackwatch_* histograms.
class LatencyObserver {
public:
    virtual ~LatencyObserver() = default;
    // One probe round-trip (SELECT 1, PING) to a target.
    virtual void probe(const std::string& target, const std::string& kind, double seconds) = 0;
    // One collector's run against a target.
    virtual void collector(const std::string& target, const std::string& collector, double seconds) = 0;
};

class Target {
public:
    virtual ~Target() = default;
    virtual const std::string& name() const = 0;
    virtual std::string kind() const = 0;  // "postgres", "redis", "process"
    // Everything this target reports for one scrape, returned before the deadline even when the
    // server is down or slow (then its *_up is 0 and the rest is what could be had).
    virtual void collect(MetricSet& out, Deadline deadline, LatencyObserver& latency) = 0;
    // A cheap, bounded look at the target for /health/detailed.
    virtual nlohmann::json health(Deadline deadline, LatencyObserver& latency) = 0;
};

}  // namespace stackwatch::exporter
