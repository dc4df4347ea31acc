#pragma once
// What every connection of one server shares: the event loop and its executor, the workers that
// run handlers, the connection caps, the registry stop() closes, and the threads of streams.

// Boost 1.74's asio uses std::exchange without including <utility>.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "common/http_router.hpp"
#include "common/http_server.hpp"

namespace stackwatch::http {

namespace asio = boost::asio;

// Counts open connections in total and per client address.
class ConnectionLimits {
  public:
    ConnectionLimits(std::size_t total, std::size_t per_client)
        : total_(total), per_client_(per_client) {}
    bool admit(const std::string& client);  // false when a cap is reached
    void release(const std::string& client);
    std::size_t open() const;

  private:
    mutable std::mutex mutex_;
    std::size_t total_;
    std::size_t per_client_;
    std::size_t open_ = 0;
    std::unordered_map<std::string, std::size_t> by_client_;
};

// One admitted connection's place under the caps, given back when the connection ends.
class Lease {
  public:
    Lease(ConnectionLimits& limits, std::string client)
        : limits_(&limits), client_(std::move(client)) {}
    Lease(Lease&& other) noexcept
        : limits_(std::exchange(other.limits_, nullptr)), client_(std::move(other.client_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
        if (limits_ != nullptr) limits_->release(client_);
    }
    const std::string& client() const { return client_; }

  private:
    ConnectionLimits* limits_;
    std::string client_;
};

// A connection stop() can close: on its executor, from any thread.
class Connection : public std::enable_shared_from_this<Connection> {
  public:
    virtual ~Connection() = default;
    virtual void shut() = 0;
};

struct Core {
    Core(const ServerOptions& options, const Router& router)
        : options(options),
          router(router),
          limits(options.max_connections, options.max_connections_per_client) {}

    const ServerOptions& options;
    const Router& router;
    std::optional<asio::ssl::context> tls;
    ConnectionLimits limits;
    std::atomic<bool> stopping{false};
    WaitSet waits;

    void enlist(Connection* connection);
    void discharge(Connection* connection);
    void shut_all();

    // Runs a stream's or WebSocket's handler on a thread of its own, which stop() waits for.
    void run_detached(std::function<void()> body);
    void wait_detached();

  private:
    std::mutex connections_mutex_;
    std::set<Connection*> connections_;
    std::mutex detached_mutex_;
    std::condition_variable detached_done_;
    std::size_t detached_running_ = 0;

  public:
    // Last, so they go first: what their queues still hold may reach the members above.
    asio::io_context io;       // every socket lives here
    asio::io_context workers;  // handlers run here, on options.threads threads
};

// For a thread off the loop: runs start(done) on the loop, where it begins a write whose
// completion calls done(ok), and waits for that.
template <class Executor, class Start>
bool write_on_loop(const Executor& executor, Start start) {
    std::promise<bool> finished;
    auto written = finished.get_future();
    asio::post(executor, [&] { start([&finished](bool ok) { finished.set_value(ok); }); });
    return written.get();
}

// Ends a connection at once, whatever is pending on it.
inline void close_now(asio::ip::tcp::socket& socket) {
    boost::system::error_code ignored;
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

// The client as the access log and the caps name it: an IPv4-mapped address as IPv4.
std::string client_address(const asio::ip::address& address);

}  // namespace stackwatch::http
