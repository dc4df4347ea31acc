#include "exporter/collection.hpp"

#include <map>
#include <utility>

#include "common/logging.hpp"

namespace stackwatch::exporter {
namespace {

// What a target that missed the deadline contributes: its *_up at 0.
TargetSlot::Result late_result(Target& target) {
    auto late = std::make_shared<MetricSet>();
    late->gauge(up_metric_for(target.kind()),
                "Whether the last scrape of the target succeeded (1) or not (0).", 0);
    log::warn("target missed the scrape deadline",
              {{"target", target.name()}, {"kind", target.kind()}});
    return late;
}

TargetSlot::Result answer(TargetSlot& slot, const std::shared_future<TargetSlot::Result>& result,
                          Deadline deadline) {
    if (result.wait_until(deadline.at) == std::future_status::ready) return result.get();
    return late_result(slot.target());
}

}  // namespace

TargetSlot::TargetSlot(std::shared_ptr<Target> target, std::shared_ptr<LatencyObserver> latency)
    : target_(std::move(target)), latency_(std::move(latency)), worker_([this] { work(); }) {}

TargetSlot::~TargetSlot() {
    {
        std::lock_guard lock(state_mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    worker_.join();
}

std::shared_future<TargetSlot::Result> TargetSlot::start(Deadline deadline) {
    // The previous result is let go only after the worker is on its way: freeing a large set
    // takes a while and need not delay the new collection.
    std::shared_future<Result> previous;
    std::lock_guard lock(state_mutex_);
    bool idle = !in_flight_.valid() ||
                in_flight_.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
    if (idle) {
        std::promise<Result> promise;
        previous = std::exchange(in_flight_, promise.get_future().share());
        request_.emplace(deadline, std::move(promise));
        wake_.notify_one();
    }
    return in_flight_;
}

void TargetSlot::work() {
    std::unique_lock lock(state_mutex_);
    while (true) {
        wake_.wait(lock, [this] { return stopping_ || request_; });
        if (!request_) return;
        auto [deadline, promise] = std::move(*request_);
        request_.reset();
        lock.unlock();
        auto metrics = std::make_shared<MetricSet>();
        try {
            std::lock_guard busy(exclusive_);
            target_->collect(*metrics, deadline, *latency_);
        } catch (const std::exception& e) {
            log::error("collection failed", {{"target", target_->name()}, {"error", e.what()}});
        }
        promise.set_value(std::move(metrics));
        lock.lock();
    }
}

nlohmann::json TargetSlot::health(Deadline deadline) {
    std::unique_lock busy(exclusive_, std::defer_lock);
    if (!busy.try_lock_until(deadline.at))
        return {{"status", "down"}, {"error", "target busy past the health deadline"}};
    return target_->health(deadline, *latency_);
}

std::string up_metric_for(const std::string& kind) {
    static const std::map<std::string, std::string> kUp = {{"postgres", "pg_up"},
                                                           {"redis", "redis_up"}};
    auto it = kUp.find(kind);
    return it == kUp.end() ? "stackwatch_" + kind + "_up" : it->second;
}

Collection::Collection(std::vector<std::shared_ptr<Target>> targets,
                       std::shared_ptr<LatencyHistograms> latency, CollectionOptions options)
    : latency_(std::move(latency)) {
    std::map<std::string, int> per_kind;
    for (auto& target : targets) ++per_kind[target->kind()];
    for (auto& target : targets) {
        Labels extra;
        if (per_kind[target->kind()] > 1) extra.emplace_back(options.target_label, target->name());
        extra_labels_.push_back(std::move(extra));
        slots_.push_back(std::make_shared<TargetSlot>(std::move(target), latency_));
    }
}

Exposition Collection::collect_all(Deadline deadline, const std::function<void()>& meanwhile) {
    std::vector<std::shared_future<TargetSlot::Result>> pending;
    pending.reserve(slots_.size());
    for (auto& slot : slots_) pending.push_back(slot->start(deadline));
    if (meanwhile) meanwhile();
    Exposition all;
    for (std::size_t i = 0; i < slots_.size(); ++i)
        all.add(answer(*slots_[i], pending[i], deadline), extra_labels_[i]);
    return all;
}

std::optional<Exposition> Collection::collect_one(const std::string& name, Deadline deadline) {
    for (auto& slot : slots_) {
        if (slot->target().name() != name) continue;
        Exposition one;
        one.add(answer(*slot, slot->start(deadline), deadline));
        return one;
    }
    return std::nullopt;
}

}  // namespace stackwatch::exporter
