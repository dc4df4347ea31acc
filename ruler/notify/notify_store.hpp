#pragma once
// The notification state in sqlite, committed on every change rather than every 15 minutes:
// the alerts the dispatcher holds, silences, the notification log that dedup reads, and the
// outbox of rendered notifications, written in one transaction with their log entry before any
// send, so a killed process resumes exactly where it stopped.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ruler/notify/alert.hpp"
#include "ruler/notify/silence.hpp"
#include "ruler/state/sqlite.hpp"

namespace stackwatch::notify {

// What a receiver integration was last told about a group (nflogpb.Entry).
struct LogEntry {
    std::string key;  // group key, receiver and integration
    std::vector<Fingerprint> firing;
    std::vector<Fingerprint> resolved;
    TimePoint at{};
    TimePoint expires{};
};

enum class OutboxState { pending, delivered, dead, superseded };

struct OutboxEntry {
    std::int64_t id = 0;
    std::string idempotency_key;
    std::string receiver;
    std::string integration;  // "webhook[0]", "email[1]", ...
    std::string group_key;
    std::string log_key;
    std::string payload;  // the rendered message, as the integration sends it
    TimePoint created_at{};
    int attempts = 0;
    TimePoint next_attempt_at{};
    std::string last_error;
    OutboxState state = OutboxState::pending;
    // What the payload was rendered from, kept only when the receiver has a fallback_receiver.
    std::string data;
    bool fallback = false;  // sent for another receiver that could not deliver it
};

class NotifyStore {
  public:
    explicit NotifyStore(const std::string& path);

    void save_alerts(const std::vector<SharedAlert>& alerts);
    void delete_alerts(const std::vector<Fingerprint>& fingerprints);
    std::vector<Alert> load_alerts() const;

    void save_silence(const Silence& silence);
    void delete_silences(const std::vector<std::string>& ids);
    std::vector<Silence> load_silences() const;

    std::vector<LogEntry> load_log() const;
    // A log entry alone: a notification that needed no send (only resolved alerts, send_resolved
    // off).
    void record(const LogEntry& entry);
    // Commits the entry and its log entry together. A still-pending entry for the same
    // integration and group is superseded: the receiver only needs the group's latest state.
    // Returns the new entry's id and the ids it superseded.
    std::pair<std::int64_t, std::vector<std::int64_t>> enqueue(OutboxEntry& entry,
                                                               const LogEntry& log);
    // Commits a notification with no log entry and nothing to supersede: a fallback's.
    std::int64_t enqueue_alone(OutboxEntry& entry);
    std::vector<OutboxEntry> pending() const;
    void delivered(std::int64_t id, int attempts);
    void retry_later(std::int64_t id, int attempts, TimePoint next, const std::string& error);
    // Out of retries: the entry is a dead letter, and its log entry is dropped unless a newer
    // notification replaced it, so the group's next flush notifies afresh.
    // False when the entry was superseded meanwhile (nothing changes then).
    bool dead_letter(std::int64_t id, int attempts, const std::string& error);
    // Log entries past their expiry and delivered or superseded outbox rows created before
    // `before`.
    void collect_garbage(TimePoint now, TimePoint before);
    std::vector<OutboxEntry> dead_letters(std::size_t limit) const;
    std::size_t count(OutboxState state) const;

    // Runs `writes` (calls of the methods above) as one transaction: all of them are committed
    // or none, and a burst of flushes pays for one commit instead of one each.
    template <typename Writes>
    void batch(Writes&& writes) {
        std::lock_guard lock(mutex_);
        ruler::sqlite::Transaction transaction(db_);
        writes();
        transaction.commit();
    }

  private:
    ruler::sqlite::Database db_;
    mutable std::recursive_mutex mutex_;  // batch() holds it around the methods' own locks
};

}  // namespace stackwatch::notify
