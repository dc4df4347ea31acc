#pragma once
// Scrape orchestration. Each target sits in a slot that allows one collection in flight: a scrape
// that arrives while one runs joins it instead of opening another connection, and waits only
// until its own deadline. Targets are collected in parallel, so a slow one delays nobody.

#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "exporter/latency.hpp"
#include "exporter/target.hpp"

namespace stackwatch::exporter {

class TargetSlot : public std::enable_shared_from_this<TargetSlot> {
public:
    explicit TargetSlot(std::shared_ptr<Target> target) : target_(std::move(target)) {}

    // The collection's result, or nullopt when it did not finish before the deadline (it keeps
    // running in the background and the next scrape joins it).
    std::optional<MetricSet> collect(Deadline deadline, std::shared_ptr<LatencyObserver> latency);
    // Health runs under the same exclusion as collect: never a second connection per target.
    nlohmann::json health(Deadline deadline, std::shared_ptr<LatencyObserver> latency);
    // Waits for work still running (at shutdown).
    void drain();

    Target& target() { return *target_; }

private:
    using Result = std::shared_ptr<const MetricSet>;
    std::shared_ptr<Target> target_;
    std::timed_mutex exclusive_;  // held while the target's connection is in use
    std::mutex state_mutex_;
    std::shared_future<Result> in_flight_;
    std::thread worker_;
};

struct CollectionOptions {
    // A label added to every metric of a target when several targets share a kind, so their
    // series stay apart on /metrics (/probe never adds it).
    std::string target_label = "target";
};

class Collection {
public:
    Collection(std::vector<std::shared_ptr<Target>> targets, std::shared_ptr<LatencyHistograms> latency,
               CollectionOptions options = {});
    ~Collection();

    // Every target, in parallel, each bounded by the deadline.
    MetricSet collect_all(Deadline deadline);
    // One target by name; nullopt when no target has that name.
    std::optional<MetricSet> collect_one(const std::string& name, Deadline deadline);
    // Per-target health JSON, in parallel.
    std::vector<std::pair<std::shared_ptr<Target>, nlohmann::json>> health_all(Deadline deadline);

    const std::vector<std::shared_ptr<TargetSlot>>& slots() const { return slots_; }
    LatencyHistograms& latency() { return *latency_; }

private:
    MetricSet collect_slot(TargetSlot& slot, Deadline deadline);
    std::vector<std::shared_ptr<TargetSlot>> slots_;
    std::shared_ptr<LatencyHistograms> latency_;
    CollectionOptions options_;
};

// The *_up family a kind reports, so a target that missed its deadline still says it is down.
std::string up_metric_for(const std::string& kind);

}  // namespace stackwatch::exporter
