#include "ruler/api/monitoring_events_api.hpp"

namespace stackwatch::ruler {
namespace {

std::optional<std::uint64_t> resume_from(const http::Request& request) {
    auto header = request.header("last-event-id");
    return events::parse_event_id(header ? header : request.query_param("lastEventId"));
}

std::string websocket_message(const events::Event& e) {
    return "{\"id\":" + std::to_string(e.id) + ",\"type\":\"" + e.type + "\",\"data\":" + e.data +
           "}";
}

}  // namespace

void register_monitoring_events_api(http::Server& server, EventsApiDeps deps,
                                    std::shared_ptr<const http::Authenticator> auth) {
    auto shared = std::make_shared<EventsApiDeps>(std::move(deps));
    http::RouteOptions read{.auth = auth, .role = http::Role::viewer};
    http::RouteOptions subscribe = read;
    subscribe.max_streams_per_client = shared->max_streams_per_client;
    server.stream(
        "/monitoring/events",
        [shared](const http::Request& request, http::EventStream& stream) {
            events::FeedTransport transport{
                .send =
                    [&](const events::Event& e) {
                        return stream.send(e.type, e.data, std::to_string(e.id));
                    },
                .wait = [&](auto timeout,
                            const auto& ready) { return stream.wait_for(timeout, ready); },
                .heartbeat = [&] { return stream.heartbeat(); },
                .open = [&] { return stream.open(); },
                .wake = [&] { stream.notify(); }};
            events::feed(shared->journal, shared->snapshot, resume_from(request), transport,
                         shared->heartbeat);
        },
        subscribe);
    server.websocket(
        "/monitoring/ws",
        [shared](const http::Request& request, http::WebSocket& socket) {
            events::FeedTransport transport{
                .send =
                    [&](const events::Event& e) { return socket.send_text(websocket_message(e)); },
                .wait = [&](auto timeout,
                            const auto& ready) { return socket.wait_for(timeout, ready); },
                .heartbeat = [&] { return socket.send_text(R"({"type":"heartbeat"})"); },
                .open = [&] { return socket.open(); },
                .wake = [&] { socket.notify(); }};
            events::feed(shared->journal, shared->snapshot, resume_from(request), transport,
                         shared->heartbeat);
        },
        subscribe);
    server.route(
        "GET", "/monitoring/metrics",
        [shared](const http::Request&) { return http::Response::json(shared->metrics()); }, read);
}

}  // namespace stackwatch::ruler
