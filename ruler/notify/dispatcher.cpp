#include "ruler/notify/dispatcher.hpp"

namespace stackwatch::notify {
namespace {

promql::Labels group_labels_of(const Alert& alert, const RouteOptions& options) {
    if (options.group_by_all) return alert.labels;
    std::vector<promql::Label> labels;
    for (const auto& name : options.group_by)
        if (alert.labels.has(name)) labels.push_back({name, alert.labels.get(name)});
    return promql::Labels(std::move(labels));
}

}  // namespace

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

void Dispatcher::put(const Alert& alert) {
    auto now = Clock::now();
    std::lock_guard lock(mutex_);
    bool earlier = false;
    for (const Route* route : root_->match(alert.labels)) {
        auto labels = group_labels_of(alert, route->options());
        GroupId id{route, fingerprint_of(labels)};
        auto [it, created] = groups_.try_emplace(id);
        Group& group = it->second;
        if (created) {
            group.id = id;
            group.key = route->key() + ":" + label_set_text(labels);
            group.route = route;
            group.labels = std::move(labels);
            schedule(group, now + route->options().group_wait);
        }
        group.alerts[alert.fingerprint()] = alert;
        if (!group.has_flushed && alert.starts_at + route->options().group_wait < now) {
            schedule(group, now);
            earlier = true;
        }
        earlier = earlier || created;
    }
    if (earlier) wake_.notify_all();
}

void Dispatcher::flush(const GroupId& id, std::unique_lock<std::mutex>& lock) {
    GroupFlush request;
    {
        auto it = groups_.find(id);
        if (it == groups_.end()) return;
        Group& group = it->second;
        timers_.erase({group.next_flush, id});
        if (group.alerts.empty()) {
            groups_.erase(it);
            return;
        }
        request.now = Clock::now();
        schedule(group, request.now + group.route->options().group_interval);
        group.has_flushed = true;
        request.group_key = group.key;
        request.route = group.route->options();
        request.group_labels = group.labels;
        for (const auto& [fp, alert] : group.alerts) {
            Alert copy = alert;
            if (!copy.resolved_at(request.now)) copy.ends_at.reset();
            request.alerts.push_back(std::move(copy));
        }
        sort_for_notification(request.alerts);
    }
    lock.unlock();
    bool sent = false;
    try {
        sent = flush_(request);
    } catch (...) {
        sent = false;
    }
    lock.lock();
    if (!sent) return;
    auto it = groups_.find(id);
    if (it == groups_.end()) return;
    Group& group = it->second;
    for (const auto& notified : request.alerts) {
        auto found = group.alerts.find(notified.fingerprint());
        // An alert updated while the flush ran stays for the next one.
        if (found != group.alerts.end() && notified.resolved_at(request.now) &&
            found->second.updated_at == notified.updated_at)
            group.alerts.erase(found);
    }
    if (group.alerts.empty()) {
        timers_.erase({group.next_flush, id});
        groups_.erase(it);
    }
}

void Dispatcher::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (timers_.empty()) {
            wake_.wait(lock);
            continue;
        }
        auto [when, id] = *timers_.begin();
        if (when > Clock::now()) {
            wake_.wait_until(lock, when);
            continue;
        }
        flush(id, lock);
    }
}

std::vector<GroupView> Dispatcher::groups() const {
    std::lock_guard lock(mutex_);
    std::vector<GroupView> out;
    for (const auto& [id, group] : groups_) {
        GroupView view{group.key, group.route->options().receiver, group.labels, {}};
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
