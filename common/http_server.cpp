#include "common/http_server.hpp"

#include <civetweb.h>
#include <dlfcn.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <random>
#include <sstream>
#include <stdexcept>

#include "common/failure_report.hpp"
#include "common/gzip.hpp"
#include "common/logging.hpp"
#include "common/memory.hpp"

namespace stackwatch::http {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
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

constexpr std::size_t kLargeResponseBytes = 1 << 20;

int civetweb_dispatch(mg_connection* conn, void* server) {
    return static_cast<Server*>(server)->handle(conn);
}

// civetweb reports start-up failures only through this callback.
thread_local std::string last_civetweb_message;
int civetweb_log(const mg_connection*, const char* message) {
    last_civetweb_message = message;
    log::debug("civetweb", {{"detail", message}});
    return 1;
}

std::once_flag civetweb_init_once;
std::once_flag civetweb_tls_init_once;

// Must run before civetweb loads OpenSSL; see common/tls_compat/civetweb_openssl3.c.
void load_openssl3_compat() {
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return;
    exe[n] = '\0';
    std::string dir(exe);
    dir = dir.substr(0, dir.rfind('/'));
    if (dlopen((dir + "/libstackwatch-civetweb-ssl.so").c_str(), RTLD_NOW | RTLD_GLOBAL) == nullptr)
        log::debug("TLS compatibility library not loaded", {{"error", dlerror()}});
}

// We configure the TLS context ourselves so certificate and key can live in separate files, as in
// the exporter-toolkit web-config, and the minimum version is enforced by OpenSSL directly.
int configure_tls(void* ssl_ctx, void* user_data) {
    auto* tls = static_cast<const TlsOptions*>(static_cast<Server*>(user_data)->tls_options());
    auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
    const std::string& key = tls->key_file.empty() ? tls->cert_file : tls->key_file;
    int min_version = tls->min_version == "TLS13"   ? TLS1_3_VERSION
                      : tls->min_version == "TLS11" ? TLS1_1_VERSION
                      : tls->min_version == "TLS10" ? TLS1_VERSION
                                                    : TLS1_2_VERSION;
    if (SSL_CTX_use_certificate_chain_file(ctx, tls->cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1 ||
        SSL_CTX_set_min_proto_version(ctx, min_version) != 1) {
        last_civetweb_message = "cannot load TLS certificate " + tls->cert_file + " / key " + key;
        return -1;
    }
    return 1;
}

}  // namespace

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

Waiter::Waiter(WaitSet& set) : set_(set) {
    std::lock_guard lock(set_.mutex_);
    set_.waiters_.push_back(this);
}

Waiter::~Waiter() {
    std::lock_guard lock(set_.mutex_);
    std::erase(set_.waiters_, this);
}

void Waiter::wait_for(std::chrono::milliseconds timeout, const std::function<bool()>& done) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, done);
}

void Waiter::notify() {
    // Taking the lock orders this wake-up after a waiter's check of done(), so none is lost.
    { std::lock_guard lock(mutex_); }
    cv_.notify_all();
}

void WaitSet::wake_all() {
    std::lock_guard lock(mutex_);
    for (auto* waiter : waiters_) waiter->notify();
}

EventStream::EventStream(mg_connection* conn, const std::atomic<bool>& stopping, WaitSet& waits)
    : conn_(conn), stopping_(stopping), waiter_(waits) {}

bool EventStream::write_raw(const std::string& chunk) {
    if (!open()) return false;
    if (mg_write(conn_, chunk.data(), chunk.size()) <= 0) failed_ = true;
    return !failed_;
}

bool EventStream::send(std::string_view event, std::string_view data, std::string_view id) {
    std::string frame;
    if (!id.empty()) frame.append("id: ").append(id).append("\n");
    if (!event.empty()) frame.append("event: ").append(event).append("\n");
    frame.append("data: ").append(data).append("\n\n");
    return write_raw(frame);
}

bool EventStream::heartbeat() {
    return write_raw(": heartbeat\n\n");
}

bool EventStream::wait_for(std::chrono::milliseconds timeout, const std::function<bool()>& ready) {
    waiter_.wait_for(timeout, [&] { return stopping_.load() || ready(); });
    return ready();
}

void EventStream::notify() {
    waiter_.notify();
}

Server::Server(ServerOptions options) : options_(std::move(options)) {}

Server::~Server() {
    stop();
}

void Server::route(const std::string& method, const std::string& pattern, Handler handler,
                   RouteOptions options) {
    routes_.push_back(
        {method, split_path(pattern), std::move(handler), nullptr, std::move(options)});
}

void Server::websocket(const std::string& path, WebSocketHandler handler, RouteOptions options) {
    websocket_routes_.push_back(std::make_unique<WebSocketRoute>(
        WebSocketRoute{this, path, std::move(handler), std::move(options)}));
}

void Server::stream(const std::string& pattern, StreamHandler handler, RouteOptions options) {
    routes_.push_back(
        {"GET", split_path(pattern), nullptr, std::move(handler), std::move(options)});
}

void Server::start() {
    if (ctx_ != nullptr) return;
    if (options_.listen_addresses.empty()) throw std::runtime_error("no listen address configured");
    std::call_once(civetweb_init_once, [] { mg_init_library(0); });
    // OpenSSL's initialisation touches about 3 MiB of libcrypto, so a server without TLS skips it.
    if (options_.tls) {
        std::call_once(civetweb_tls_init_once, [] {
            load_openssl3_compat();
            mg_init_library(MG_FEATURES_TLS);
        });
    }
    std::string ports;
    for (const auto& address : options_.listen_addresses) {
        if (!ports.empty()) ports += ",";
        ports += address + (options_.tls ? "s" : "");
    }
    std::string threads = std::to_string(options_.threads);
    std::string timeout = std::to_string(options_.request_timeout.count());
    std::vector<const char*> civet_options = {
        "listening_ports",    ports.c_str(),   "num_threads",       threads.c_str(),
        "request_timeout_ms", timeout.c_str(), "enable_keep_alive", "yes",
        // A response goes out as headers then body: with Nagle's algorithm the body waits for
        // the client's delayed ACK of the headers, 40 ms on Linux, on every kept-alive request.
        "tcp_nodelay", "1"};
    civet_options.push_back(nullptr);
    mg_callbacks callbacks{};
    callbacks.log_message = civetweb_log;
    if (options_.tls) callbacks.init_ssl = configure_tls;
    last_civetweb_message.clear();
    stopping_ = false;
    ctx_ = mg_start(&callbacks, this, civet_options.data());
    if (ctx_ == nullptr) {
        throw std::runtime_error(
            "cannot listen on " + ports +
            (last_civetweb_message.empty() ? "" : ": " + last_civetweb_message));
    }
    mg_set_request_handler(ctx_, "/", civetweb_dispatch, this);
    register_websockets();
}

void Server::stop() {
    if (ctx_ == nullptr) return;
    stopping_ = true;  // before the wake-ups: a waiter that wakes sees it
    waits_.wake_all();
    mg_stop(ctx_);
    ctx_ = nullptr;
}

std::vector<int> Server::ports() const {
    std::vector<int> out;
    if (ctx_ == nullptr) return out;
    mg_server_port ports[8];
    int n = mg_get_server_ports(ctx_, 8, ports);
    for (int i = 0; i < n; ++i) out.push_back(ports[i].port);
    return out;
}

const Server::Route* Server::match(const std::string& method, const std::string& path,
                                   std::map<std::string, std::string>& params,
                                   bool& path_known) const {
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

std::optional<Response> Server::refusal(Request& request, const RouteOptions& options) {
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

Request Server::read_request(const mg_connection* conn) {
    const mg_request_info* info = mg_get_request_info(conn);
    Request request;
    request.method = info->request_method ? info->request_method : "";
    request.path = info->local_uri ? info->local_uri : "/";
    request.query_string = info->query_string ? info->query_string : "";
    request.remote_addr = info->remote_addr;
    for (int i = 0; i < info->num_headers; ++i)
        request.headers[lower(info->http_headers[i].name)] = info->http_headers[i].value;
    auto incoming_id = request.header("x-request-id");
    request.request_id =
        incoming_id && valid_request_id(*incoming_id) ? *incoming_id : generate_request_id();
    return request;
}

int Server::handle(mg_connection* conn) {
    auto started = std::chrono::steady_clock::now();
    const mg_request_info* info = mg_get_request_info(conn);
    Request request = read_request(conn);

    Response response;
    bool path_known = false;
    const Route* route = match(request.method, request.path, request.path_params, path_known);
    bool streamed = false;
    if (route == nullptr) {
        response = path_known ? Response::error(405, "method " + request.method + " not allowed")
                              : Response::error(404, "no such endpoint: " + request.path);
    } else if (auto refused = refusal(request, route->options)) {
        response = std::move(*refused);
    } else if (info->content_length > static_cast<long long>(route->options.max_body_bytes)) {
        response =
            Response::error(413, "request body larger than " +
                                     std::to_string(route->options.max_body_bytes) + " bytes");
    } else {
        char buf[8192];
        int n = 0;
        bool too_large = false;
        while ((n = mg_read(conn, buf, sizeof buf)) > 0) {
            if (request.body.size() + static_cast<size_t>(n) > route->options.max_body_bytes) {
                too_large = true;
                break;
            }
            request.body.append(buf, static_cast<size_t>(n));
        }
        if (too_large) {
            response =
                Response::error(413, "request body larger than " +
                                         std::to_string(route->options.max_body_bytes) + " bytes");
        } else if (route->stream_handler) {
            streamed = true;
            std::string head =
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                "Connection: close\r\nX-Request-Id: " +
                request.request_id + "\r\n\r\n";
            mg_write(conn, head.data(), head.size());
            EventStream events(conn, stopping_, waits_);
            try {
                route->stream_handler(request, events);
            } catch (const std::exception& e) {
                log::error("event stream failed", {{"path", request.path}, {"error", e.what()}});
            }
        } else {
            try {
                response = route->handler(request);
            } catch (const std::exception& e) {
                log::error("request handler failed", {{"path", request.path},
                                                      {"requestId", request.request_id},
                                                      {"error", e.what()}});
                response = Response::error(500, "internal error");
            }
        }
    }

    size_t body_bytes = 0;
    int status = streamed ? 200 : response.status;
    if (!streamed) {
        std::string body = std::move(response.body);
        std::string encoding_header;
        if (body.size() > 1024 && accepts_gzip(request)) {
            if (auto compressed = gzip(body)) {
                body = std::move(*compressed);
                encoding_header = "Content-Encoding: gzip\r\n";
            }
        }
        std::ostringstream head;
        head << "HTTP/1.1 " << status << " " << status_text(status) << "\r\n"
             << "Content-Type: " << response.content_type << "\r\n"
             << "Content-Length: " << body.size() << "\r\n"
             << "X-Request-Id: " << request.request_id << "\r\n"
             << encoding_header;
        for (const auto& [name, value] : response.headers) head << name << ": " << value << "\r\n";
        head << "\r\n";
        std::string head_text = head.str();
        mg_write(conn, head_text.data(), head_text.size());
        if (request.method != "HEAD" && !body.empty()) mg_write(conn, body.data(), body.size());
        body_bytes = body.size();
    }
    auto elapsed =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
    log::access(request.method + " " + request.path,
                {{"method", request.method},
                 {"path", request.path},
                 {"status", status},
                 {"bytes", body_bytes},
                 {"durationMs", std::round(elapsed.count() * 1000) / 1000},
                 {"remoteAddr", request.remote_addr},
                 {"requestId", request.request_id},
                 {"userAgent", request.header("user-agent").value_or("")}});
    // What built a large answer is free by now; without this glibc keeps it in the thread's arena.
    if (body_bytes >= kLargeResponseBytes) memory::release_free_memory();
    return status;
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
