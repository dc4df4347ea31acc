#pragma once
// Feeding one client, whatever carries the events (server-sent events or a WebSocket): first a
// snapshot of the current state, or, when the client names the last event it saw and the
// journal still holds what followed, exactly those events; then every new event. A client that
// fell behind (its queue overflowed) gets a fresh snapshot, marked as such, and goes on from it.

#include <chrono>
#include <functional>
#include <optional>

#include "ruler/events/event_journal.hpp"

namespace stackwatch::events {

struct FeedTransport {
    std::function<bool(const Event&)> send;  // false: the client is gone
    // Waits up to the timeout for ready() to hold; returns ready()'s value.
    std::function<bool(std::chrono::milliseconds, const std::function<bool()>&)> wait;
    std::function<bool()> heartbeat;
    std::function<bool()> open;
    std::function<void()> wake;  // how the journal wakes a waiting wait()
};

// The current state for a snapshot event; the feed adds "reason" ("initial", "gap": the events
// after the client's Last-Event-ID are gone, "overflow": it fell behind) and "lastEventId".
using Snapshot = std::function<nlohmann::json()>;

void feed(EventJournal& journal, const Snapshot& snapshot,
          std::optional<std::uint64_t> last_event_id, const FeedTransport& transport,
          std::chrono::milliseconds heartbeat);

// The id a client resumes from: the Last-Event-ID header, or lastEventId in the query for
// clients that cannot set headers; nullopt when absent or not a number.
std::optional<std::uint64_t> parse_event_id(const std::optional<std::string>& text);

}  // namespace stackwatch::events
