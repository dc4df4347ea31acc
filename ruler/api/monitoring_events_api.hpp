#pragma once
// The runbook's live monitoring: GET /monitoring/events (server-sent events with monotonic ids
// and Last-Event-ID resume), GET /monitoring/ws (the same events over a WebSocket, one JSON
// object per message: {"id", "type", "data"}), and GET /monitoring/metrics.

#include <memory>

#include "common/http_server.hpp"
#include "ruler/events/event_feed.hpp"
#include "ruler/events/event_journal.hpp"

namespace stackwatch::ruler {

struct EventsApiDeps {
    events::EventJournal& journal;
    events::Snapshot snapshot;
    std::function<nlohmann::json()> metrics;
    std::chrono::milliseconds heartbeat = std::chrono::seconds(15);
    // Of each of the two, per token (or per address without one); beyond it 429.
    std::size_t max_streams_per_client = 100;
};

void register_monitoring_events_api(http::Server& server, EventsApiDeps deps,
                                    std::shared_ptr<const http::Authenticator> auth);

}  // namespace stackwatch::ruler
