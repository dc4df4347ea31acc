#include "common/http_router.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "common/failure_report.hpp"
#include "common/gzip.hpp"
#include "common/logging.hpp"

namespace stackwatch::http {
namespace {

bool valid_request_id(const std::string& id) {
    if (id.empty() || id.size() > 128) return false;
    return std::all_of(id.begin(), id.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
    });
}

bool accepts_gzip(const Request& request) {
    auto value = request.header("accept-encoding");
    return value && lower(*value).find("gzip") != std::string::npos;
}

Response too_large(const RouteOptions& options) {
    return Response::error(
        413, "request body larger than " + std::to_string(options.max_body_bytes) + " bytes");
}

}  // namespace

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> segments;
    std::string current;
    for (char c : path) {
        if (c == '/') {
            if (!current.empty()) segments.push_back(std::move(current));
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty()) segments.push_back(std::move(current));
    return segments;
}

std::string normalise_path(std::string_view path) {
    std::vector<std::string> kept;
    for (auto& segment : split_path(std::string(path))) {
        if (segment == ".") continue;
        if (segment == "..") {
            if (!kept.empty()) kept.pop_back();
            continue;
        }
        kept.push_back(std::move(segment));
    }
    std::string out;
    for (const auto& segment : kept) out += "/" + segment;
    if (out.empty() || (path.size() > 1 && path.back() == '/')) out += "/";
    return out;
}

std::string url_decode_path(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() &&
            std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string request_id_for(const Request& request) {
    auto incoming = request.header("x-request-id");
    return incoming && valid_request_id(*incoming) ? *incoming : generate_request_id();
}

std::shared_ptr<const void> StreamSlots::claim(const std::string& caller) {
    std::lock_guard lock(mutex_);
    auto& held = held_[caller];
    if (held >= per_client_) return nullptr;
    ++held;
    return std::shared_ptr<const void>(this, [self = shared_from_this(), caller](const void*) {
        std::lock_guard lock(self->mutex_);
        if (--self->held_[caller] == 0) self->held_.erase(caller);
    });
}

namespace {

std::shared_ptr<StreamSlots> slots_for(const RouteOptions& options) {
    if (options.max_streams_per_client == 0) return nullptr;
    return std::make_shared<StreamSlots>(options.max_streams_per_client);
}

}  // namespace

void Router::add(Route route) {
    route.slots = slots_for(route.options);
    routes_.push_back(std::move(route));
}

void Router::add(WebSocketRoute route) {
    route.slots = slots_for(route.options);
    websocket_routes_.push_back(std::move(route));
}

std::optional<Response> Router::claim_stream(const std::shared_ptr<StreamSlots>& slots,
                                             const Request& request,
                                             std::shared_ptr<const void>& slot) {
    if (!slots) return std::nullopt;
    std::string caller = request.caller();
    slot = slots->claim(caller);
    if (slot) return std::nullopt;
    auto response = Response::error(429, caller + " holds " + std::to_string(slots->per_client()) +
                                             " open streams of " + request.path +
                                             " already, the most one caller may");
    response.headers.emplace_back("Retry-After", "10");
    return response;
}

const Route* Router::match(const std::string& method, const std::string& path,
                           std::map<std::string, std::string>& params, bool& path_known) const {
    auto segments = split_path(path);
    path_known = false;
    for (const auto& route : routes_) {
        if (route.segments.size() != segments.size()) continue;
        std::map<std::string, std::string> bound;
        bool ok = true;
        for (size_t i = 0; i < segments.size() && ok; ++i) {
            const auto& want = route.segments[i];
            if (want.size() > 2 && want.front() == '{' && want.back() == '}')
                bound[want.substr(1, want.size() - 2)] = segments[i];
            else
                ok = want == segments[i];
        }
        if (!ok) continue;
        path_known = true;
        bool method_ok = route.method == method || (method == "HEAD" && route.method == "GET");
        if (!method_ok) continue;
        params = std::move(bound);
        return &route;
    }
    return nullptr;
}

const WebSocketRoute* Router::websocket(const std::string& path) const {
    for (const auto& route : websocket_routes_)
        if (route.path == path) return &route;
    return nullptr;
}

std::optional<Response> Router::refusal(Request& request, const RouteOptions& options) {
    if (!options.auth) return std::nullopt;
    request.principal = options.auth->identify(request);
    const nlohmann::json where = {
        {"path", request.path}, {"method", request.method}, {"remoteAddr", request.remote_addr}};
    if (!request.principal) {
        bool presented = request.header("authorization") || request.query_param("access_token");
        report_failure({.fingerprint = presented ? "auth:token:invalid" : "auth:token:missing",
                        .type = "AuthenticationError",
                        .message = presented ? "credentials refused" : "no credentials",
                        .level = "warning",
                        .context = where});
        auto response = Response::error(401, "authentication required");
        response.headers.emplace_back("WWW-Authenticate", options.auth->challenge());
        return response;
    }
    if (request.principal->role < options.role) {
        auto reason = std::string("this needs the ") + role_name(options.role) + " role; " +
                      request.principal->name + " has " + role_name(request.principal->role);
        auto context = where;
        context["principal"] = request.principal->name;
        report_failure({.fingerprint = "auth:permission:denied",
                        .type = "AuthorizationError",
                        .message = reason,
                        .level = "warning",
                        .context = std::move(context)});
        return Response::error(403, reason);
    }
    return std::nullopt;
}

std::optional<Response> Router::answer(Request& request, const Route* route, bool path_known,
                                       bool body_too_large) {
    if (route == nullptr)
        return path_known ? Response::error(405, "method " + request.method + " not allowed")
                          : Response::error(404, "no such endpoint: " + request.path);
    if (auto refused = refusal(request, route->options)) return refused;
    if (body_too_large) return too_large(route->options);
    if (route->stream_handler) return std::nullopt;
    try {
        return route->handler(request);
    } catch (const std::exception& e) {
        log::error(
            "request handler failed",
            {{"path", request.path}, {"requestId", request.request_id}, {"error", e.what()}});
        return Response::error(500, "internal error");
    }
}

bool asks_to_close(const Response& response) {
    return std::any_of(response.headers.begin(), response.headers.end(), [](const auto& header) {
        return lower(header.first) == "connection" && lower(header.second) == "close";
    });
}

WireResponse serialise(Response response, const Request& request, bool closing) {
    WireResponse wire;
    wire.status = response.status;
    std::string body = std::move(response.body);
    bool gzipped = false;
    if (body.size() > 1024 && accepts_gzip(request)) {
        if (auto compressed = gzip(body)) {
            body = std::move(*compressed);
            gzipped = true;
        }
    }
    std::string& head = wire.head;
    head.reserve(256);
    head.append("HTTP/1.1 ")
        .append(std::to_string(response.status))
        .append(" ")
        .append(status_text(response.status))
        .append("\r\nContent-Type: ")
        .append(response.content_type)
        .append("\r\nContent-Length: ")
        .append(std::to_string(body.size()))
        .append("\r\nX-Request-Id: ")
        .append(request.request_id)
        .append("\r\n");
    if (gzipped) head.append("Content-Encoding: gzip\r\n");
    for (const auto& [name, value] : response.headers)
        head.append(name).append(": ").append(value).append("\r\n");
    if (closing && !asks_to_close(response)) head.append("Connection: close\r\n");
    head.append("\r\n");
    wire.body_bytes = body.size();
    if (request.method != "HEAD") wire.body = std::move(body);
    return wire;
}

std::string event_stream_head(const Request& request) {
    return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
           "Connection: close\r\nX-Request-Id: " +
           request.request_id + "\r\n\r\n";
}

void log_access(const Request& request, int status, std::size_t bytes,
                std::chrono::steady_clock::time_point started) {
    auto elapsed =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
    log::access(request.method + " " + request.path,
                {{"method", request.method},
                 {"path", request.path},
                 {"status", status},
                 {"bytes", bytes},
                 {"durationMs", std::round(elapsed.count() * 1000) / 1000},
                 {"remoteAddr", request.remote_addr},
                 {"requestId", request.request_id},
                 {"userAgent", request.header("user-agent").value_or("")}});
}

}  // namespace stackwatch::http
