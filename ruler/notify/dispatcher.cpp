#include "ruler/notify/dispatcher.hpp"

#include "common/thread_name.hpp"

namespace stackwatch::notify {
namespace {

// Under group_by: ['...'] none: the group is the alert's own (see Group::labels).
promql::Labels group_labels_of(const Alert& alert, const RouteOptions& options) {
    if (options.group_by_all) return {};
    std::vector<promql::Label> labels;
    for (const auto& name : options.group_by)
        if (alert.labels.has(name)) labels.push_back({name, alert.labels.get(name)});
    return promql::Labels(std::move(labels));
}

}  // namespace

const promql::Labels& Dispatcher::labels_of(const Group& group) {
    if (!group.route->options().group_by_all || group.alerts.empty()) return group.labels;
    return group.alerts.begin()->second->labels;
}

std::string Dispatcher::key_of(const Group& group) {
    return group.route->key() + ":" + label_set_text(labels_of(group));
}

Dispatcher::Dispatcher(std::shared_ptr<const Route> root, Flush flush)
    : root_(std::move(root)), flush_(std::move(flush)), thread_([this] { run(); }) {}

Dispatcher::~Dispatcher() {
    stop();
}

void Dispatcher::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Dispatcher::schedule(Group& group, TimePoint at) {
    timers_.erase({group.next_flush, group.id});
    group.next_flush = at;
    timers_.insert({at, group.id});
}

void Dispatcher::put(const std::vector<SharedAlert>& alerts) {
    auto now = Clock::now();
    std::lock_guard lock(mutex_);
    bool earlier = false;
    for (const auto& shared : alerts) {
        const Alert& alert = *shared;
        for (const Route* route : root_->match(alert.labels)) {
            auto labels = group_labels_of(alert, route->options());
            GroupId id{route, route->options().group_by_all ? alert.fingerprint()
                                                            : fingerprint_of(labels)};
            auto [it, created] = groups_.try_emplace(id);
            Group& group = it->second;
            if (created) {
                group.id = id;
                group.route = route;
                group.labels = std::move(labels);
                schedule(group, now + route->options().group_wait);
            }
            group.alerts[alert.fingerprint()] = shared;
            if (!group.has_flushed && alert.starts_at + route->options().group_wait < now) {
                schedule(group, now);
                earlier = true;
            }
            earlier = earlier || created;
        }
    }
    if (earlier) wake_.notify_all();
}

std::optional<GroupFlush> Dispatcher::start_flush(const GroupId& id, TimePoint now) {
    auto it = groups_.find(id);
    if (it == groups_.end()) return std::nullopt;
    Group& group = it->second;
    if (group.alerts.empty()) {
        groups_.erase(it);
        return std::nullopt;
    }
    GroupFlush request;
    request.now = now;
    schedule(group, request.now + group.route->options().group_interval);
    group.has_flushed = true;
    request.group_key = key_of(group);
    request.route = group.route->options();
    request.group_labels = labels_of(group);
    request.alerts.reserve(group.alerts.size());
    for (const auto& [fp, alert] : group.alerts) {
        Alert copy = *alert;
        if (!copy.resolved_at(request.now)) copy.ends_at.reset();
        request.alerts.push_back(std::move(copy));
    }
    sort_for_notification(request.alerts);
    return request;
}

void Dispatcher::finish_flush(const GroupId& id, const GroupFlush& request) {
    auto it = groups_.find(id);
    if (it == groups_.end()) return;
    Group& group = it->second;
    for (const auto& notified : request.alerts) {
        auto found = group.alerts.find(notified.fingerprint());
        // An alert updated while the flush ran stays for the next one.
        if (found != group.alerts.end() && notified.resolved_at(request.now) &&
            found->second->updated_at == notified.updated_at)
            group.alerts.erase(found);
    }
    if (group.alerts.empty()) {
        timers_.erase({group.next_flush, id});
        groups_.erase(it);
    }
}

void Dispatcher::flush_due(std::unique_lock<std::mutex>& lock) {
    auto now = Clock::now();
    std::vector<GroupId> ids;
    std::vector<GroupFlush> requests;
    while (!timers_.empty() && timers_.begin()->first <= now && requests.size() < kMaxBatch) {
        auto id = timers_.begin()->second;
        timers_.erase(timers_.begin());
        if (auto request = start_flush(id, now)) {
            ids.push_back(id);
            requests.push_back(std::move(*request));
        }
    }
    if (requests.empty()) return;
    lock.unlock();
    std::vector<bool> sent;
    try {
        sent = flush_(requests);
    } catch (...) {
        sent.clear();
    }
    lock.lock();
    for (std::size_t i = 0; i < ids.size(); ++i)
        if (i < sent.size() && sent[i]) finish_flush(ids[i], requests[i]);
}

void Dispatcher::run() {
    name_this_thread("notify-dispatch");
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (timers_.empty()) {
            wake_.wait(lock);
            continue;
        }
        auto when = timers_.begin()->first;
        if (when > Clock::now()) {
            wake_.wait_until(lock, when);
            continue;
        }
        flush_due(lock);
    }
}

std::vector<GroupView> Dispatcher::groups() const {
    std::lock_guard lock(mutex_);
    std::vector<GroupView> out;
    for (const auto& [id, group] : groups_) {
        if (group.alerts.empty()) continue;  // goes away at its next flush
        GroupView view{key_of(group),
                       group.route->options().receiver,
                       group.route->options().escalation,
                       labels_of(group),
                       {}};
        for (const auto& [fp, alert] : group.alerts) view.alerts.push_back(fp);
        out.push_back(std::move(view));
    }
    return out;
}

std::size_t Dispatcher::group_count() const {
    std::lock_guard lock(mutex_);
    return groups_.size();
}

}  // namespace stackwatch::notify
