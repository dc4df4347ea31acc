#include "ruler/notify/notification_log.hpp"

namespace stackwatch::notify {

void NotificationLog::erase_locked(std::string_view key) {
    // std::set's erase by a key of another type is C++23; find takes one now.
    if (auto found = entries_.find(key); found != entries_.end()) entries_.erase(found);
}

void NotificationLog::replace_locked(LogEntry entry) {
    erase_locked(entry.key);
    entries_.insert(std::move(entry));
}

void NotificationLog::restore(std::vector<LogEntry> entries) {
    std::lock_guard lock(mutex_);
    for (auto& e : entries) replace_locked(std::move(e));
}

std::optional<LogEntry> NotificationLog::get(const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto found = entries_.find(std::string_view(key));
    if (found == entries_.end()) return std::nullopt;
    return *found;
}

void NotificationLog::set(LogEntry entry) {
    std::lock_guard lock(mutex_);
    replace_locked(std::move(entry));
}

void NotificationLog::drop(const std::string& key) {
    std::lock_guard lock(mutex_);
    erase_locked(key);
}

std::size_t NotificationLog::collect_garbage(TimePoint now) {
    std::lock_guard lock(mutex_);
    return std::erase_if(entries_, [&](const LogEntry& e) { return e.expires <= now; });
}

std::size_t NotificationLog::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

std::string NotificationLog::key(const std::string& group_key, const std::string& receiver,
                                 const std::string& integration) {
    // A byte that no group key, receiver or integration name contains keeps the parts apart.
    return group_key + '\x1f' + receiver + '\x1f' + integration;
}

}  // namespace stackwatch::notify
