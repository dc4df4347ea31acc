#include "ruler/rules/rule_manager.hpp"

#include "common/logging.hpp"
#include "ruler/rules/retention.hpp"

namespace stackwatch::ruler {
namespace {

promql::Timestamp now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

RuleManager::RuleManager(std::shared_ptr<datasource::Datasource> data,
                         std::shared_ptr<rules::SampleAppender> out, const promql::Queryable& local,
                         std::shared_ptr<AlertStateStore> state,
                         std::shared_ptr<prometheus::Registry> registry)
    : data_(std::move(data)),
      out_(std::move(out)),
      local_(local),
      state_(std::move(state)),
      registry_(std::move(registry)),
      metrics_(*registry_) {}

RuleManager::~RuleManager() {
    stop();
}

std::vector<std::string> RuleManager::load(const std::vector<std::string>& files,
                                           const rules::GroupOptions& options) {
    auto loaded = rules::load_groups(files, options);
    if (!loaded.errors.empty()) return loaded.errors;
    std::vector<std::string> expressions;
    for (const auto& group : loaded.groups)
        for (const auto& rule : group->rules()) expressions.push_back(rule->expr());
    auto lookback = ruler::max_lookback(expressions);
    std::vector<Running> previous;
    {
        std::lock_guard lock(mutex_);
        previous = std::move(running_);
        running_.clear();
        ++generation_;
    }
    wake_.notify_all();
    join_all(previous);
    // Alerts keep their state (and `for` progress) across a reload, as in Prometheus.
    for (auto& group : loaded.groups)
        for (const auto& old : previous)
            if (old.group->file() == group->file() && old.group->name() == group->name())
                group->copy_state_from(*old.group);
    std::lock_guard lock(mutex_);
    max_lookback_ = lookback;
    for (auto& group : loaded.groups) {
        Running entry{std::move(group), {}};
        rules::Group* raw = entry.group.get();
        bool restore = options.restore_pending;
        entry.thread = std::thread([this, raw, restore] { run(*raw, restore); });
        running_.push_back(std::move(entry));
    }
    return {};
}

void RuleManager::join_all(std::vector<Running>& running) {
    for (auto& entry : running)
        if (entry.thread.joinable()) entry.thread.join();
}

void RuleManager::stop() {
    std::vector<Running> previous;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        previous = std::move(running_);
        running_.clear();
    }
    wake_.notify_all();
    join_all(previous);
}

void RuleManager::run(rules::Group& group, bool restore) {
    std::uint64_t generation;
    {
        std::lock_guard lock(mutex_);
        generation = generation_;
    }
    auto metrics = metrics_.for_group(group);
    while (true) {
        promql::Timestamp t = group.next_evaluation(now_ms());
        {
            std::unique_lock lock(mutex_);
            auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(t));
            // Waits for the slot, but wakes at once for a stop or a reload.
            wake_.wait_until(lock, at, [&] { return stopping_ || generation_ != generation; });
            if (stopping_ || generation_ != generation) return;
        }
        auto started = std::chrono::steady_clock::now();
        group.evaluate(t, *data_, *out_);
        if (restore) {
            // Alerts active now get their progress back at once, those over data still being
            // scraped when they first become active within the outage tolerance.
            group.restore_for_state(t, local_);
            group.restore_new_alerts(t + std::chrono::milliseconds(std::chrono::hours(1)).count(),
                                     local_);
            restore = false;
        }
        // A group of recording rules alone changes no alert's for-state.
        if (state_ && !group.alerting_rules().empty()) {
            try {
                state_->save(local_, t);
            } catch (const std::exception& e) {
                log::error("cannot save alert state", {{"error", e.what()}});
            }
        }
        metrics.evaluated(
            group, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
            t);
    }
}

nlohmann::json RuleManager::rules_json() const {
    std::lock_guard lock(mutex_);
    nlohmann::json groups = nlohmann::json::array();
    for (const auto& entry : running_) groups.push_back(entry.group->to_json());
    return {{"groups", groups}};
}

nlohmann::json RuleManager::alerts_json() const {
    std::lock_guard lock(mutex_);
    nlohmann::json alerts = nlohmann::json::array();
    for (const auto& entry : running_)
        for (auto& alert : entry.group->active_alerts_json()) alerts.push_back(alert);
    return {{"alerts", alerts}};
}

std::size_t RuleManager::group_count() const {
    std::lock_guard lock(mutex_);
    return running_.size();
}

std::chrono::milliseconds RuleManager::max_lookback() const {
    std::lock_guard lock(mutex_);
    return max_lookback_;
}

}  // namespace stackwatch::ruler
