// The HTTP request path in memory, as a connection reads it (common/http_connection.hpp): bytes
// through Boost.Beast's request parser with the server's header limit, the head read into a
// Request, the route looked up, its body limit applied, authentication and roles, the handler's
// answer or the router's error, and the response serialised. Up to 8 pipelined requests run while
// the connection stays alive. Beast's parse errors are the expected result for bad bytes.

#include <boost/beast/core/flat_buffer.hpp>

#include "common/access_control.hpp"
#include "common/http_connection.hpp"
#include "common/http_router.hpp"
#include "fuzz/fuzz_input.hpp"

namespace {

using namespace stackwatch;
using namespace stackwatch::http;

Response echo(const Request& request) {
    nlohmann::json out = {{"path", request.path},
                          {"caller", request.caller()},
                          {"bytes", request.body.size()},
                          {"params", request.path_params}};
    if (auto limit = request.query_param("limit")) out["limit"] = *limit;
    if (auto filter = request.query_param("filter")) out["filter"] = *filter;
    if (auto type = request.header("content-type")) out["type"] = *type;
    return Response::json(out);
}

const Router& router() {
    static const Router* r = [] {
        auto auth = std::make_shared<AccessControl>(
            std::vector<AccessControl::Token>{{"viewer", Role::viewer, "viewer-secret"},
                                              {"operator", Role::operator_, "operator-secret"},
                                              {"admin", Role::admin, "admin-secret"}},
            nullptr, std::map<std::string, Role>{});
        auto* out = new Router();
        auto add = [&](std::string method, std::string path, RouteOptions options) {
            out->add(Route{.method = std::move(method),
                           .segments = split_path(path),
                           .handler = echo,
                           .options = std::move(options)});
        };
        add("GET", "/metrics", {});
        add("GET", "/health/live", {});
        add("GET", "/api/v1/alerts", {.auth = auth, .role = Role::viewer});
        add("POST", "/api/v2/alerts",
            {.auth = auth, .role = Role::operator_, .max_body_bytes = 64 << 10});
        add("GET", "/api/v2/silence/{id}", {.auth = auth, .role = Role::viewer});
        add("DELETE", "/api/v2/silence/{id}", {.auth = auth, .role = Role::operator_});
        add("PUT", "/monitoring/alerts/rules/{id}",
            {.auth = auth, .role = Role::admin, .max_body_bytes = 256 << 10});
        add("POST", "/api/{project}/envelope", {.max_body_bytes = 1 << 10});
        out->add(Route{.method = "GET",
                       .segments = split_path("/monitoring/events"),
                       .stream_handler = [](const Request&, EventStream&) {},
                       .options = {.auth = auth, .max_streams_per_client = 1}});
        out->add(WebSocketRoute{.path = "/monitoring/events/ws",
                                .handler = [](const Request&, WebSocket&) {},
                                .options = {.auth = auth}});
        return out;
    }();
    return *r;
}

// One request read from `buffer` as Session reads it; false when the connection would close.
bool one_request(beast::flat_buffer& buffer, std::size_t max_header_bytes) {
    wire::request_parser<wire::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(max_header_bytes));
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    boost::system::error_code ec;
    // All the client's bytes are in `buffer`: where the parser wants more, the client is done.
    auto feed = [&](bool head_only) {
        while (!(head_only ? parser.is_header_done() : parser.is_done())) {
            auto used = parser.put(buffer.data(), ec);
            buffer.consume(used);
            if (ec == wire::error::need_more) ec = {};
            if (ec) return;
            if (used == 0) {
                parser.put_eof(ec);
                if (!ec && !parser.is_done()) ec = wire::error::partial_message;
                return;
            }
        }
    };
    feed(true);
    if (ec || !parser.is_header_done()) return false;  // a 431, a 400, or a closed connection

    Request request;
    read_request_head(parser.get(), request);
    request.remote_addr = "192.0.2.1";
    request.request_id = request_id_for(request);
    bool keep_alive = parser.get().keep_alive();
    if (beast::websocket::is_upgrade(parser.get()))
        if (const auto* route = router().websocket(request.path)) {
            (void)Router::refusal(request, route->options);
            return false;
        }
    bool path_known = false;
    const auto* route =
        router().match(request.method, request.path, request.path_params, path_known);
    bool too_large = false;
    if (!parser.is_done()) {
        if (route == nullptr) {
            keep_alive = false;
        } else {
            auto limit = route->options.max_body_bytes;
            if (parser.content_length() && *parser.content_length() > limit) {
                keep_alive = false;
                too_large = true;
            } else {
                parser.body_limit(limit);
                feed(false);
                if (ec == wire::error::body_limit) {
                    keep_alive = false;
                    too_large = true;
                } else if (ec) {
                    return false;
                } else {
                    request.body = std::move(parser.get().body());
                }
            }
        }
    }
    auto response = Router::answer(request, route, path_known, too_large);
    if (!response) {
        std::shared_ptr<const void> slot;
        response = Router::claim_stream(route->slots, request, slot);
        if (!response) {
            (void)event_stream_head(request);
            return false;  // a stream holds the connection from here on
        }
    }
    bool closing = !keep_alive || asks_to_close(*response);
    auto bytes = serialise(std::move(*response), request, closing);
    (void)bytes;
    return !closing;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::size_t max_header_bytes = ServerOptions{}.max_header_bytes;
    beast::flat_buffer buffer;
    auto input = fuzz::as_text(data, size);
    buffer.commit(boost::asio::buffer_copy(buffer.prepare(input.size()),
                                           boost::asio::buffer(input.data(), input.size())));
    for (int i = 0; i < 8 && buffer.size() > 0; ++i)
        if (!one_request(buffer, max_header_bytes)) break;
    return 0;
}
