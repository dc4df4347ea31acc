#pragma once
// The HTTP layer both programs serve through: a route table with path parameters, JSON errors, a
// body limit, bearer/basic auth per route, X-Request-Id, one access-log line per request, gzip
// when the client asks, server-sent events, WebSockets, and a clean stop. Connections live on an
// event loop (common/http_transport.cpp), so an idle or slow client costs a few KiB, not a
// thread; handlers run on a pool of workers, streams on threads of their own.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace stackwatch::http {

// What a caller may do, in increasing order: read, act on alerts and silences, change the
// configuration.
enum class Role { viewer = 0, operator_ = 1, admin = 2 };
const char* role_name(Role role);
const char* status_text(int status);  // "Not Found" for 404
std::optional<Role> parse_role(std::string_view name);

// Who a request comes from, as its credentials say.
struct Principal {
    std::string name;
    Role role = Role::viewer;
};

struct Request {
    std::string method;
    std::string path;  // decoded, without the query string
    std::string query_string;
    std::string body;
    std::string remote_addr;
    std::string request_id;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::map<std::string, std::string> path_params;
    std::optional<Principal> principal;  // set when the route is authenticated

    std::optional<std::string> header(std::string_view name) const;       // case-insensitive
    std::optional<std::string> query_param(std::string_view name) const;  // decoded, first value
    const std::string& path_param(const std::string& name) const;
    // Who is asking, for per-caller limits: "token NAME", else "address ADDR".
    std::string caller() const;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    static Response json(const nlohmann::json& value, int status = 200);
    static Response text(std::string body, int status = 200,
                         std::string content_type = "text/plain; charset=utf-8");
    // {"status":"error","error":reason}: every 4xx/5xx the servers produce has this shape.
    static Response error(int status, const std::string& reason);
};

class Authenticator {
  public:
    virtual ~Authenticator() = default;
    virtual bool authenticate(const Request& request) const = 0;
    virtual std::string challenge() const = 0;  // the WWW-Authenticate header value
    // Who the credentials belong to; a plain authenticator's callers may do everything.
    virtual std::optional<Principal> identify(const Request& request) const {
        if (!authenticate(request)) return std::nullopt;
        return Principal{"token", Role::admin};
    }
};

class WaitSet;

// One open stream's wake-up. Each stream waits on a condition variable of its own, so an event
// for one subscriber wakes that one alone: with one shared by all, a thousand subscribers made a
// million wake-ups of each event. The server's WaitSet wakes them all when it stops.
class Waiter {
  public:
    explicit Waiter(WaitSet& set);
    ~Waiter();
    Waiter(const Waiter&) = delete;
    Waiter& operator=(const Waiter&) = delete;
    // Waits until done() holds or the timeout passes; done() is checked under the lock.
    void wait_for(std::chrono::milliseconds timeout, const std::function<bool()>& done);
    void notify();

  private:
    WaitSet& set_;
    std::mutex mutex_;
    std::condition_variable cv_;
};

class WaitSet {
  public:
    void wake_all();

  private:
    friend class Waiter;
    std::mutex mutex_;
    std::vector<Waiter*> waiters_;
};

// Where a long-lived response writes: its connection, which the event loop owns. A write waits
// until the bytes are with the kernel or the connection has failed.
class StreamChannel {
  public:
    virtual ~StreamChannel() = default;
    virtual bool write(std::string data) = 0;
};

// A long-lived text/event-stream response. Writes fail (return false) once the client is gone or
// the server is stopping; handlers loop until then.
class EventStream {
  public:
    EventStream(StreamChannel& channel, const std::atomic<bool>& stopping, WaitSet& waits);
    // One event: `id:` when given, `event:`, and the data (one line of JSON).
    bool send(std::string_view event, std::string_view data, std::string_view id = {});
    bool heartbeat();
    bool open() const { return !failed_ && !stopping_.load(); }
    // Waits until the predicate holds, the server stops, or the timeout passes; checks the client
    // connection meanwhile. Returns the predicate's value.
    bool wait_for(std::chrono::milliseconds timeout, const std::function<bool()>& ready);
    void notify();

  private:
    bool write_raw(std::string chunk);
    StreamChannel& channel_;
    const std::atomic<bool>& stopping_;
    Waiter waiter_;
    bool failed_ = false;
};

// One WebSocket connection as its handler sees it: text frames out, from the handler's thread.
// Writes fail (return false) once the client is gone or the server is stopping.
class WebSocket {
  public:
    WebSocket(StreamChannel& channel, const std::atomic<bool>& stopping, WaitSet& waits);
    bool send_text(std::string_view text);
    bool open() const;
    bool wait_for(std::chrono::milliseconds timeout, const std::function<bool()>& ready);
    void notify();
    void close();  // the client went away: no write may touch the connection after this

  private:
    StreamChannel& channel_;
    std::atomic<bool> closed_{false};
    const std::atomic<bool>& stopping_;
    Waiter waiter_;
};

using Handler = std::function<Response(const Request&)>;
using StreamHandler = std::function<void(const Request&, EventStream&)>;
// Runs on a thread of its own from the handshake until it returns; it should return once the
// socket is no longer open. Messages from the client are read and dropped.
using WebSocketHandler = std::function<void(const Request&, WebSocket&)>;

struct RouteOptions {
    std::shared_ptr<const Authenticator> auth;  // null: no authentication
    Role role = Role::viewer;                   // what an authenticated caller needs, else 403
    std::size_t max_body_bytes = 1 << 20;
    // Event streams or WebSockets of this route one caller may hold open (callers told apart by
    // their token's name, else by address); beyond it 429. 0: no limit.
    std::size_t max_streams_per_client = 0;
};

struct TlsOptions {
    std::string cert_file;
    std::string key_file;
    std::string min_version;  // TLS10, TLS11, TLS12, TLS13 (exporter-toolkit spelling)
};

// Defaults are what a monitoring endpoint needs: keep-alive scrapers are kept for a minute, a
// client gets a few seconds to send its request head, and one client address cannot hold more
// than a quarter of the connections.
struct ServerOptions {
    std::vector<std::string> listen_addresses;  // "host:port", ":port", "[v6]:port"; port 0 picks
    int threads = 8;                            // request handlers running at once
    std::optional<TlsOptions> tls;
    std::size_t max_connections = 4096;             // open at once; beyond them 503 and close
    std::size_t max_connections_per_client = 1024;  // from one address
    std::chrono::milliseconds read_header_timeout{10000};  // TLS handshake and request head
    std::chrono::milliseconds idle_timeout{60000};         // between kept-alive requests
    std::chrono::milliseconds write_timeout{60000};        // a response, or a request body
    std::size_t max_header_bytes = 64 << 10;
};

class Router;
class Transport;

class Server {
  public:
    explicit Server(ServerOptions options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Patterns are "/a/b" or "/a/{name}/c"; {name} binds one segment.
    void route(const std::string& method, const std::string& pattern, Handler handler,
               RouteOptions options = {});
    void stream(const std::string& pattern, StreamHandler handler, RouteOptions options = {});
    // An exact path; authentication as for routes, from the upgrade request.
    void websocket(const std::string& path, WebSocketHandler handler, RouteOptions options = {});

    void start();  // throws std::runtime_error naming the address when it cannot listen
    void stop();   // wakes event streams, waits for in-flight requests
    std::vector<int> ports() const;
    bool running() const { return transport_ != nullptr; }
    std::size_t open_connections() const;

  private:
    ServerOptions options_;
    std::unique_ptr<Router> router_;
    std::unique_ptr<Transport> transport_;
};

// Splits "a=1&b=x%20y" into decoded pairs, in order.
std::vector<std::pair<std::string, std::string>> parse_query(const std::string& query);
std::string url_decode(std::string_view text);
std::string generate_request_id();

}  // namespace stackwatch::http
