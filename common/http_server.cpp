#include "common/http_server.hpp"

#include <random>

#include "common/http_router.hpp"
#include "common/http_transport.hpp"

namespace stackwatch::http {

std::optional<std::string> Request::header(std::string_view name) const {
    auto it = headers.find(lower(name));
    if (it == headers.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
    for (auto& [key, value] : parse_query(query_string))
        if (key == name) return value;
    return std::nullopt;
}

const std::string& Request::path_param(const std::string& name) const {
    static const std::string empty;
    auto it = path_params.find(name);
    return it == path_params.end() ? empty : it->second;
}

Response Response::json(const nlohmann::json& value, int status) {
    Response r;
    r.status = status;
    r.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

Response Response::text(std::string body, int status, std::string content_type) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.content_type = std::move(content_type);
    return r;
}

const char* status_text(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 409:
            return "Conflict";
        case 413:
            return "Payload Too Large";
        case 422:
            return "Unprocessable Entity";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 503:
            return "Service Unavailable";
        default:
            return "Status";
    }
}

const char* role_name(Role role) {
    switch (role) {
        case Role::viewer:
            return "viewer";
        case Role::operator_:
            return "operator";
        case Role::admin:
            return "admin";
    }
    return "viewer";
}

std::optional<Role> parse_role(std::string_view name) {
    for (Role role : {Role::viewer, Role::operator_, Role::admin})
        if (name == role_name(role)) return role;
    return std::nullopt;
}

Response Response::error(int status, const std::string& reason) {
    return json({{"status", "error"}, {"error", reason}}, status);
}

std::string Request::caller() const {
    return principal ? "token " + principal->name : "address " + remote_addr;
}

Server::Server(ServerOptions options)
    : options_(std::move(options)), router_(std::make_unique<Router>()) {}

Server::~Server() {
    stop();
}

void Server::route(const std::string& method, const std::string& pattern, Handler handler,
                   RouteOptions options) {
    router_->add(
        Route{method, split_path(pattern), std::move(handler), nullptr, std::move(options)});
}

void Server::stream(const std::string& pattern, StreamHandler handler, RouteOptions options) {
    router_->add(
        Route{"GET", split_path(pattern), nullptr, std::move(handler), std::move(options)});
}

void Server::websocket(const std::string& path, WebSocketHandler handler, RouteOptions options) {
    router_->add(WebSocketRoute{path, std::move(handler), std::move(options)});
}

void Server::start() {
    if (transport_) return;
    if (options_.listen_addresses.empty()) throw std::runtime_error("no listen address configured");
    transport_ = std::make_unique<Transport>(options_, *router_);
}

void Server::stop() {
    if (!transport_) return;
    transport_->stop();
    transport_.reset();
}

std::vector<int> Server::ports() const {
    return transport_ ? transport_->ports() : std::vector<int>{};
}

std::size_t Server::open_connections() const {
    return transport_ ? transport_->open_connections() : 0;
}

std::string url_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%' && i + 2 < text.size() &&
                   std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
                   std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(const std::string& query) {
    std::vector<std::pair<std::string, std::string>> out;
    size_t pos = 0;
    while (pos <= query.size()) {
        size_t amp = query.find('&', pos);
        if (amp == std::string::npos) amp = query.size();
        std::string_view part(query.data() + pos, amp - pos);
        if (!part.empty()) {
            size_t eq = part.find('=');
            if (eq == std::string_view::npos)
                out.emplace_back(url_decode(part), "");
            else
                out.emplace_back(url_decode(part.substr(0, eq)), url_decode(part.substr(eq + 1)));
        }
        pos = amp + 1;
    }
    return out;
}

std::string generate_request_id() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    char buf[24];
    std::snprintf(buf, sizeof buf, "req_%016llx", static_cast<unsigned long long>(rng()));
    return buf;
}

}  // namespace stackwatch::http
