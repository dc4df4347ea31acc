#pragma once
// Scrape orchestration. Each target sits in a slot with one long-lived worker thread, so a
// collection in flight is never doubled: a scrape that arrives while one runs joins it instead of
// opening another connection, and waits only until its own deadline. Targets are collected in
// parallel, so a slow one delays nobody. Results are shared, immutable sets that concurrent
// scrapes write out without copying.

#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "exporter/latency.hpp"
#include "exporter/target.hpp"
#include "exporter/text_format.hpp"

namespace stackwatch::exporter {

class TargetSlot {
  public:
    using Result = std::shared_ptr<const MetricSet>;

    TargetSlot(std::shared_ptr<Target> target, std::shared_ptr<LatencyObserver> latency);
    ~TargetSlot();  // waits for a collection still running
    TargetSlot(const TargetSlot&) = delete;
    TargetSlot& operator=(const TargetSlot&) = delete;

    // The collection that will answer a scrape with this deadline: the one in flight, or a new
    // one. Never blocks on the target.
    std::shared_future<Result> start(Deadline deadline);
    // Health runs under the same exclusion as collect: never a second connection per target.
    nlohmann::json health(Deadline deadline);

    Target& target() { return *target_; }

  private:
    void work();

    std::shared_ptr<Target> target_;
    std::shared_ptr<LatencyObserver> latency_;
    std::timed_mutex exclusive_;  // held while the target's connection is in use
    std::mutex state_mutex_;
    std::condition_variable wake_;
    std::shared_future<Result> in_flight_;
    std::optional<std::pair<Deadline, std::promise<Result>>> request_;
    bool stopping_ = false;
    std::thread worker_;
};

struct CollectionOptions {
    // A label added to every metric of a target when several targets share a kind, so their
    // series stay apart on /metrics (/probe never adds it).
    std::string target_label = "target";
};

class Collection {
  public:
    Collection(std::vector<std::shared_ptr<Target>> targets,
               std::shared_ptr<LatencyHistograms> latency, CollectionOptions options = {});

    // Every target, in parallel, each bounded by the deadline; `meanwhile` runs on the calling
    // thread while they collect.
    Exposition collect_all(Deadline deadline, const std::function<void()>& meanwhile = {});
    // One target by name; nullopt when no target has that name.
    std::optional<Exposition> collect_one(const std::string& name, Deadline deadline);

    const std::vector<std::shared_ptr<TargetSlot>>& slots() const { return slots_; }
    LatencyHistograms& latency() { return *latency_; }

  private:
    std::shared_ptr<LatencyHistograms> latency_;
    std::vector<std::shared_ptr<TargetSlot>> slots_;
    std::vector<Labels> extra_labels_;  // per slot, for /metrics
};

// The *_up family a kind reports, so a target that missed its deadline still says it is down.
std::string up_metric_for(const std::string& kind);

}  // namespace stackwatch::exporter
