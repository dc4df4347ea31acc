#pragma once
// The notification log (Alertmanager's nflog): what each receiver integration was last told
// about each group, read by dedup on every flush. This is its in-memory side; every entry is
// committed to the NotifyStore before the notification it stands for is sent.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ruler/notify/notify_store.hpp"

namespace stackwatch::notify {

class NotificationLog {
  public:
    void restore(std::vector<LogEntry> entries);
    std::optional<LogEntry> get(const std::string& key) const;
    void set(LogEntry entry);
    void drop(const std::string& key);
    // Entries past their expiry (twice the repeat interval) are forgotten, as in Alertmanager.
    std::size_t collect_garbage(TimePoint now);
    std::size_t size() const;

    // group key, receiver and integration: one log line per integration of a receiver.
    static std::string key(const std::string& group_key, const std::string& receiver,
                           const std::string& integration);

  private:
    mutable std::mutex mutex_;
    std::map<std::string, LogEntry> entries_;
};

}  // namespace stackwatch::notify
