#pragma once
// The live events of the ruler (alert transitions, health changes, tracked errors, performance
// metrics) with monotonic ids. The newest events stay in a bounded ring so a client that
// reconnects with the last id it saw resumes without a gap (the ring is bounded in events and in
// bytes: one storm of alerts with large annotations must not hold thousands of them); each
// subscriber has a bounded queue,
// and one that falls behind is marked for a fresh snapshot instead of slowing the publisher.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace stackwatch::events {

struct Event {
    std::uint64_t id = 0;
    std::string type;  // "alert", "health", "error", "metrics"
    std::string data;  // the JSON text, serialised once for every subscriber
};

class EventJournal {
  public:
    class Subscription {
      public:
        // The queued events, and whether some were lost (the queue was full): then the client
        // needs a fresh snapshot.
        std::vector<Event> take(bool& overflowed);
        bool ready() const;
        // Called (outside the journal's lock) whenever something is queued; the transport's
        // wake-up.
        void on_ready(std::function<void()> wake);

      private:
        friend class EventJournal;
        mutable std::mutex mutex_;
        std::deque<Event> queue_;
        bool overflowed_ = false;
        std::function<void()> wake_;
    };

    // Ids start from the clock (microseconds since the epoch), so they keep growing across
    // restarts and a client's id from before a restart never names a new event.
    explicit EventJournal(std::size_t history = 4096, std::size_t queue_limit = 1024,
                          std::size_t history_bytes = std::size_t{1} << 20);

    std::uint64_t publish(const std::string& type, const nlohmann::json& data);

    struct Start {
        std::shared_ptr<Subscription> subscription;
        // The events after `after`, when the ring still holds all of them; nullopt when the
        // client must start from a snapshot (no id given, or events it missed are gone).
        std::optional<std::vector<Event>> replay;
        std::uint64_t last_id = 0;  // the newest id at subscription: the snapshot's
    };
    // Atomic with respect to publish(): nothing falls between the replay (or snapshot) and the
    // first live event.
    Start subscribe(std::optional<std::uint64_t> after);
    void unsubscribe(const std::shared_ptr<Subscription>& subscription);

    std::uint64_t last_id() const;
    std::size_t subscribers() const;

  private:
    std::size_t history_limit_;
    std::size_t queue_limit_;
    std::size_t history_bytes_limit_;
    std::size_t history_bytes_ = 0;  // of the events' data
    mutable std::mutex mutex_;
    std::uint64_t next_id_ = 1;
    std::deque<Event> history_;
    std::set<std::shared_ptr<Subscription>> subscriptions_;
};

}  // namespace stackwatch::events
