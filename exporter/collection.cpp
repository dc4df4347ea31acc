#include "exporter/collection.hpp"

#include <map>
#include <thread>

#include "common/logging.hpp"

namespace stackwatch::exporter {

std::optional<MetricSet> TargetSlot::collect(Deadline deadline,
                                             std::shared_ptr<LatencyObserver> latency) {
    std::shared_future<Result> result;
    {
        std::lock_guard lock(state_mutex_);
        bool idle = !in_flight_.valid() ||
                    in_flight_.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
        if (idle) {
            auto promise = std::make_shared<std::promise<Result>>();
            in_flight_ = promise->get_future().share();
            // The previous worker has delivered its result, so joining it returns at once.
            if (worker_.joinable()) worker_.join();
            auto self = shared_from_this();
            worker_ = std::thread([self, promise, deadline, latency] {
                auto metrics = std::make_shared<MetricSet>();
                try {
                    std::lock_guard busy(self->exclusive_);
                    self->target_->collect(*metrics, deadline, *latency);
                } catch (const std::exception& e) {
                    log::error("collection failed", {{"target", self->target_->name()}, {"error", e.what()}});
                }
                promise->set_value(std::move(metrics));
            });
        }
        result = in_flight_;
    }
    if (result.wait_until(deadline.at) != std::future_status::ready) return std::nullopt;
    return *result.get();
}

nlohmann::json TargetSlot::health(Deadline deadline, std::shared_ptr<LatencyObserver> latency) {
    std::unique_lock busy(exclusive_, std::defer_lock);
    if (!busy.try_lock_until(deadline.at))
        return {{"status", "down"}, {"error", "target busy past the health deadline"}};
    return target_->health(deadline, *latency);
}

void TargetSlot::drain() {
    std::lock_guard lock(state_mutex_);
    if (worker_.joinable()) worker_.join();
}

std::string up_metric_for(const std::string& kind) {
    static const std::map<std::string, std::string> kUp = {{"postgres", "pg_up"}, {"redis", "redis_up"}};
    auto it = kUp.find(kind);
    return it == kUp.end() ? "stackwatch_" + kind + "_up" : it->second;
}

Collection::Collection(std::vector<std::shared_ptr<Target>> targets,
                       std::shared_ptr<LatencyHistograms> latency, CollectionOptions options)
    : latency_(std::move(latency)), options_(std::move(options)) {
    for (auto& target : targets) slots_.push_back(std::make_shared<TargetSlot>(std::move(target)));
}

Collection::~Collection() {
    for (auto& slot : slots_) slot->drain();
}

MetricSet Collection::collect_slot(TargetSlot& slot, Deadline deadline) {
    if (auto metrics = slot.collect(deadline, latency_)) return std::move(*metrics);
    MetricSet late;
    auto& target = slot.target();
    late.gauge(up_metric_for(target.kind()),
               "Whether the last scrape of the target succeeded (1) or not (0).", 0);
    log::warn("target missed the scrape deadline", {{"target", target.name()}, {"kind", target.kind()}});
    return late;
}

MetricSet Collection::collect_all(Deadline deadline) {
    std::map<std::string, int> per_kind;
    for (auto& slot : slots_) ++per_kind[slot->target().kind()];
    std::vector<std::future<MetricSet>> pending;
    for (auto& slot : slots_)
        pending.push_back(std::async(std::launch::async, [this, slot, deadline] {
            return collect_slot(*slot, deadline);
        }));
    MetricSet all;
    for (size_t i = 0; i < slots_.size(); ++i) {
        MetricSet one = pending[i].get();
        auto& target = slots_[i]->target();
        if (per_kind[target.kind()] > 1) one.add_label_to_all(options_.target_label, target.name());
        all.merge(std::move(one));
    }
    return all;
}

std::optional<MetricSet> Collection::collect_one(const std::string& name, Deadline deadline) {
    for (auto& slot : slots_)
        if (slot->target().name() == name) return collect_slot(*slot, deadline);
    return std::nullopt;
}

std::vector<std::pair<std::shared_ptr<Target>, nlohmann::json>> Collection::health_all(Deadline deadline) {
    std::vector<std::future<nlohmann::json>> pending;
    for (auto& slot : slots_)
        pending.push_back(std::async(std::launch::async, [this, slot, deadline] {
            return slot->health(deadline, latency_);
        }));
    std::vector<std::pair<std::shared_ptr<Target>, nlohmann::json>> out;
    for (size_t i = 0; i < slots_.size(); ++i) {
        std::shared_ptr<Target> target(slots_[i], &slots_[i]->target());
        out.emplace_back(target, pending[i].get());
    }
    return out;
}

}  // namespace stackwatch::exporter
