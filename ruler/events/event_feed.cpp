#include "ruler/events/event_feed.hpp"

#include <charconv>

namespace stackwatch::events {
namespace {

Event snapshot_event(const Snapshot& snapshot, const char* reason, std::uint64_t id) {
    auto data = snapshot();
    data["reason"] = reason;
    data["lastEventId"] = id;
    return {id, "snapshot", data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

}  // namespace

std::optional<std::uint64_t> parse_event_id(const std::optional<std::string>& text) {
    if (!text || text->empty()) return std::nullopt;
    std::uint64_t id = 0;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), id);
    if (error != std::errc{} || end != text->data() + text->size()) return std::nullopt;
    return id;
}

void feed(EventJournal& journal, const Snapshot& snapshot,
          std::optional<std::uint64_t> last_event_id, const FeedTransport& transport,
          std::chrono::milliseconds heartbeat) {
    auto start = journal.subscribe(last_event_id);
    auto subscription = start.subscription;
    subscription->on_ready(transport.wake);
    bool alive = true;
    // Ids only grow for the client: what a snapshot already covers is not sent after it.
    std::uint64_t last_sent = 0;
    auto send = [&](const Event& e) {
        if (e.id <= last_sent && e.type != "snapshot") return true;
        last_sent = e.id;
        return transport.send(e);
    };
    if (start.replay) {
        for (const auto& e : *start.replay)
            if (!(alive = send(e))) break;
    } else {
        alive = send(snapshot_event(snapshot, last_event_id ? "gap" : "initial", start.last_id));
    }
    auto ready = [&] { return subscription->ready(); };
    while (alive && transport.open()) {
        if (!transport.wait(heartbeat, ready)) {
            alive = transport.heartbeat();
            continue;
        }
        bool overflowed = false;
        auto events = subscription->take(overflowed);
        if (overflowed) {
            // What it missed is in the state now; events after this id come live.
            alive = send(snapshot_event(snapshot, "overflow", journal.last_id()));
            continue;
        }
        for (const auto& e : events)
            if (!(alive = send(e))) break;
    }
    subscription->on_ready(nullptr);
    journal.unsubscribe(subscription);
}

}  // namespace stackwatch::events
