#pragma once
// Alertmanager's dispatcher: every alert goes to the aggregation group of each route it matches,
// keyed by the route and the values of its group_by labels. A group first flushes group_wait
// after it was made (at once when its first alert is older than that), then every
// group_interval; after a successful flush its resolved alerts that did not change meanwhile
// leave it, and an empty group goes away.

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ruler/notify/alert.hpp"
#include "ruler/notify/route.hpp"

namespace stackwatch::notify {

struct GroupFlush {
    std::string group_key;  // "{}/{service=\"db\"}:{alertname=\"x\"}"
    RouteOptions route;
    promql::Labels group_labels;
    std::vector<Alert> alerts;  // notification order, firing ones with ends_at cleared
    TimePoint now{};
};

// A group as the API shows it (/api/v2/alerts/groups).
struct GroupView {
    std::string group_key;
    std::string receiver;
    std::string escalation;  // the route's escalation policy, if any
    promql::Labels group_labels;
    std::vector<Fingerprint> alerts;
};

class Dispatcher {
  public:
    // `flush` runs on the dispatcher's thread with every group due at that moment (so a burst
    // is committed at once) and says for each whether its notification is safely on its way (in
    // the outbox); only then do resolved alerts leave their group.
    using Flush = std::function<std::vector<bool>(const std::vector<GroupFlush>&)>;
    static constexpr std::size_t kMaxBatch = 512;

    Dispatcher(std::shared_ptr<const Route> root, Flush flush);
    ~Dispatcher();
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    void put(const std::vector<SharedAlert>& alerts);  // under one lock: a POST of many is one step
    void stop();
    std::vector<GroupView> groups() const;
    std::size_t group_count() const;

  private:
    using GroupId = std::pair<const Route*, Fingerprint>;
    struct Group {
        GroupId id;
        const Route* route;
        // Empty under group_by: ['...']: the labels are then those of the group's one alert
        // (same fingerprint, same labels), so they are not kept twice.
        promql::Labels labels;
        std::map<Fingerprint, SharedAlert> alerts;
        TimePoint next_flush{};
        bool has_flushed = false;
    };

    static const promql::Labels& labels_of(const Group& group);
    static std::string key_of(const Group& group);  // made when needed, not kept per group
    void run();
    void schedule(Group& group, TimePoint at);
    // Called and returns with `lock` held; releases it while the pipeline runs.
    void flush_due(std::unique_lock<std::mutex>& lock);
    std::optional<GroupFlush> start_flush(const GroupId& id, TimePoint now);
    void finish_flush(const GroupId& id, const GroupFlush& request);

    std::shared_ptr<const Route> root_;
    Flush flush_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::map<GroupId, Group> groups_;
    std::set<std::pair<TimePoint, GroupId>> timers_;
    std::thread thread_;
};

}  // namespace stackwatch::notify
