#pragma once
// What the HTTP layer does with a request once it has been read, whatever carried it: the route
// table (with {name} path parameters), authentication and roles per route, the body limit, the
// handler's answer or a JSON error, and the answer as bytes for the wire (gzip when asked).

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/http_server.hpp"

namespace stackwatch::http {

// The open streams of one route, counted per caller.
class StreamSlots : public std::enable_shared_from_this<StreamSlots> {
  public:
    explicit StreamSlots(std::size_t per_client) : per_client_(per_client) {}
    // A slot held until the pointer goes; null when the caller holds all of its own.
    std::shared_ptr<const void> claim(const std::string& caller);
    std::size_t per_client() const { return per_client_; }

  private:
    std::mutex mutex_;
    std::size_t per_client_;
    std::map<std::string, std::size_t> held_;
};

struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
    StreamHandler stream_handler;
    RouteOptions options;
    std::shared_ptr<StreamSlots> slots;  // with options.max_streams_per_client
};

struct WebSocketRoute {
    std::string path;
    WebSocketHandler handler;
    RouteOptions options;
    std::shared_ptr<StreamSlots> slots;
};

// A response ready to write: status line and headers, then the body (empty for HEAD).
struct WireResponse {
    int status = 200;
    std::string head;
    std::string body;
    std::size_t body_bytes = 0;  // what the access log reports, HEAD included
};

class Router {
  public:
    void add(Route route);
    void add(WebSocketRoute route);

    // The route for a method and path; path_known says whether another method would match.
    const Route* match(const std::string& method, const std::string& path,
                       std::map<std::string, std::string>& params, bool& path_known) const;
    const WebSocketRoute* websocket(const std::string& path) const;

    // The 401 or 403 for a request its route's options do not admit; sets its principal.
    static std::optional<Response> refusal(Request& request, const RouteOptions& options);

    // The answer to a request whose body has been read (or found larger than its route allows).
    // A stream route the caller may open gives no response.
    static std::optional<Response> answer(Request& request, const Route* route, bool path_known,
                                          bool body_too_large);
    // Sets `slot` to a stream's slot under its route's max_streams_per_client, or gives the 429
    // for a caller who holds them all. Null slots: no limit.
    static std::optional<Response> claim_stream(const std::shared_ptr<StreamSlots>& slots,
                                                const Request& request,
                                                std::shared_ptr<const void>& slot);

  private:
    std::vector<Route> routes_;
    std::vector<WebSocketRoute> websocket_routes_;
};

// The bytes of a response; `closing` adds Connection: close.
WireResponse serialise(Response response, const Request& request, bool closing);
// True when the handler asked the connection to close after its answer.
bool asks_to_close(const Response& response);
// The head that opens a server-sent event stream.
std::string event_stream_head(const Request& request);
// One line of the access log.
void log_access(const Request& request, int status, std::size_t bytes,
                std::chrono::steady_clock::time_point started);

// ASCII lower case: how header names are kept and compared.
std::string lower(std::string_view text);
// "/a/./b/../c" as "/a/c": a path's dot segments resolved, so no route can be reached around.
std::string normalise_path(std::string_view path);
std::vector<std::string> split_path(const std::string& path);
// Percent-decoding of a path: unlike a query, '+' stays '+'.
std::string url_decode_path(std::string_view text);
// The client's X-Request-Id when it is a sane one, else a new id.
std::string request_id_for(const Request& request);

}  // namespace stackwatch::http
