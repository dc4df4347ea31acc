// The server's WebSocket side on civetweb: the upgrade is admitted as a route is (401/403 with
// a JSON reason), and each connection gets a thread of its own for its handler, since civetweb's
// worker stays in its read loop for the connection's life.

#include <civetweb.h>

#include <thread>

#include "common/http_server.hpp"
#include "common/logging.hpp"

namespace stackwatch::http {
namespace {

struct Session {
    Request request;
    std::unique_ptr<WebSocket> socket;
    std::thread thread;
};

int on_connect(const mg_connection* conn, void* data) {
    auto* route = static_cast<Server::WebSocketRoute*>(data);
    auto request = Server::admit(const_cast<mg_connection*>(conn), route->options);
    if (!request) return 1;
    mg_set_user_connection_data(conn, new Session{std::move(*request), nullptr, {}});
    return 0;
}

void on_ready(mg_connection* conn, void* data) {
    auto* route = static_cast<Server::WebSocketRoute*>(data);
    auto* session = static_cast<Session*>(mg_get_user_connection_data(conn));
    if (session == nullptr) return;
    Server& server = *route->server;
    session->socket = std::make_unique<WebSocket>(conn, server.stopping_flag(), server.waits());
    session->thread = std::thread([route, session] {
        try {
            route->handler(session->request, *session->socket);
        } catch (const std::exception& e) {
            log::error("websocket handler failed", {{"path", route->path}, {"error", e.what()}});
        }
    });
}

int on_data(mg_connection*, int opcode, char*, size_t, void*) {
    // Keep the connection unless the client closes it.
    return (opcode & 0xf) == MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE ? 0 : 1;
}

void on_close(const mg_connection* conn, void*) {
    auto* session = static_cast<Session*>(mg_get_user_connection_data(conn));
    if (session == nullptr) return;
    if (session->socket) session->socket->close();
    if (session->thread.joinable()) session->thread.join();
    delete session;
}

}  // namespace

std::optional<Request> Server::admit(mg_connection* conn, const RouteOptions& options) {
    Request request = read_request(conn);
    auto refused = refusal(request, options);
    if (!refused) return request;
    std::string head = "HTTP/1.1 " + std::to_string(refused->status) + " " +
                       status_text(refused->status) + "\r\nContent-Type: application/json\r\nContent-Length: " +
                       std::to_string(refused->body.size()) + "\r\nConnection: close\r\n";
    for (const auto& [name, value] : refused->headers) head += name + ": " + value + "\r\n";
    head += "\r\n" + refused->body;
    mg_write(conn, head.data(), head.size());
    log::access("GET " + request.path, {{"method", "GET"},
                                        {"path", request.path},
                                        {"status", refused->status},
                                        {"remoteAddr", request.remote_addr},
                                        {"requestId", request.request_id}});
    return std::nullopt;
}

void Server::register_websockets() {
    for (const auto& route : websocket_routes_)
        mg_set_websocket_handler(ctx_, route->path.c_str(), on_connect, on_ready, on_data, on_close,
                                 route.get());
}

WebSocket::WebSocket(mg_connection* conn, const std::atomic<bool>& stopping, WaitSet& waits)
    : conn_(conn), stopping_(stopping), waiter_(waits) {}

bool WebSocket::send_text(std::string_view text) {
    std::lock_guard lock(mutex_);
    if (closed_ || stopping_.load()) return false;
    mg_lock_connection(conn_);
    int written = mg_websocket_write(conn_, MG_WEBSOCKET_OPCODE_TEXT, text.data(), text.size());
    mg_unlock_connection(conn_);
    if (written <= 0) closed_ = true;
    return !closed_;
}

bool WebSocket::open() const {
    std::lock_guard lock(mutex_);
    return !closed_ && !stopping_.load();
}

bool WebSocket::wait_for(std::chrono::milliseconds timeout, const std::function<bool()>& ready) {
    waiter_.wait_for(timeout, [&] { return !open() || ready(); });
    return ready();
}

void WebSocket::notify() {
    waiter_.notify();
}

void WebSocket::close() {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    notify();
}

}  // namespace stackwatch::http
