#pragma once
// The notification log (Alertmanager's nflog): what each receiver integration was last told
// about each group, read by dedup on every flush. This is its in-memory side; every entry is
// committed to the NotifyStore before the notification it stands for is sent.

#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
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
    // By their key, which is long (it holds the group key) and so is kept once, in the entry.
    struct ByKey {
        using is_transparent = void;
        static std::string_view key_of(const LogEntry& e) { return e.key; }
        static std::string_view key_of(std::string_view key) { return key; }
        bool operator()(const auto& a, const auto& b) const { return key_of(a) < key_of(b); }
    };
    void erase_locked(std::string_view key);
    void replace_locked(LogEntry entry);

    mutable std::mutex mutex_;
    std::set<LogEntry, ByKey> entries_;
};

}  // namespace stackwatch::notify
