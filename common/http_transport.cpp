#include "common/http_transport.hpp"

#include <fcntl.h>
#include <openssl/ssl.h>
#include <sys/resource.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <list>
#include <thread>

#include "common/http_connection.hpp"
#include "common/logging.hpp"
#include "common/thread_name.hpp"

namespace stackwatch::http {
namespace {

using tcp = asio::ip::tcp;

// Go raises the soft limit to the hard one at start; a server that holds thousands of idle
// connections needs the same.
void raise_open_file_limit() {
    static std::once_flag once;
    std::call_once(once, [] {
        rlimit limit{};
        if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
            limit.rlim_cur = limit.rlim_max;
            setrlimit(RLIMIT_NOFILE, &limit);
        }
    });
}

// Asio opens and accepts sockets without it, so a program this process starts (a test's server,
// a notifier's command) would keep the port open, and a stopped server would still accept.
void close_on_exec(int fd) {
    fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
}

tcp::endpoint endpoint_of(const std::string& address, asio::io_context& io) {
    std::string host;
    std::string port;
    if (address.starts_with("[")) {
        auto close = address.find(']');
        if (close == std::string::npos || address.compare(close + 1, 1, ":") != 0)
            throw std::runtime_error("expected [host]:port");
        host = address.substr(1, close - 1);
        port = address.substr(close + 2);
    } else if (auto colon = address.rfind(':'); colon != std::string::npos) {
        host = address.substr(0, colon);
        port = address.substr(colon + 1);
    } else {
        port = address;
    }
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
        std::stoi(port) > 65535)
        throw std::runtime_error("port \"" + port + "\" is not a number from 0 to 65535");
    auto number = static_cast<unsigned short>(std::stoi(port));
    if (host.empty()) return {asio::ip::address_v4::any(), number};
    boost::system::error_code ec;
    auto ip = asio::ip::make_address(host, ec);
    if (!ec) return {ip, number};
    tcp::resolver resolver(io);
    auto found = resolver.resolve(host, port, ec);
    if (ec || found.empty()) throw std::runtime_error("cannot resolve host \"" + host + "\"");
    return found.begin()->endpoint();
}

asio::ssl::context tls_context(const TlsOptions& tls) {
    asio::ssl::context context(asio::ssl::context::tls_server);
    context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::single_dh_use);
    auto* native = context.native_handle();
    const std::string& key = tls.key_file.empty() ? tls.cert_file : tls.key_file;
    int min_version = tls.min_version == "TLS13"   ? TLS1_3_VERSION
                      : tls.min_version == "TLS11" ? TLS1_1_VERSION
                      : tls.min_version == "TLS10" ? TLS1_VERSION
                                                   : TLS1_2_VERSION;
    if (SSL_CTX_use_certificate_chain_file(native, tls.cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(native, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(native) != 1 ||
        SSL_CTX_set_min_proto_version(native, min_version) != 1)
        throw std::runtime_error("cannot load TLS certificate " + tls.cert_file + " / key " + key);
    // An idle TLS connection then keeps no 34 KiB record buffers.
    SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
    return context;
}

const std::string kBusy =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
    "Connection: close\r\nContent-Length: 60\r\n\r\n"
    R"({"status":"error","error":"too many connections, try again"})";

}  // namespace

struct Listener {
    tcp::acceptor acceptor;
    asio::steady_timer retry;
    std::string address;
};

class Acceptor {
  public:
    explicit Acceptor(Core& core) : core_(core) {}

    void listen(const std::string& address) {
        try {
            auto endpoint = endpoint_of(address, core_.io);
            auto& listener = listeners_.emplace_back(
                Listener{tcp::acceptor(core_.io), asio::steady_timer(core_.io), address});
            listener.acceptor.open(endpoint.protocol());
            close_on_exec(listener.acceptor.native_handle());
            listener.acceptor.set_option(tcp::acceptor::reuse_address(true));
            listener.acceptor.bind(endpoint);
            listener.acceptor.listen(asio::socket_base::max_listen_connections);
        } catch (const std::exception& e) {
            throw std::runtime_error("cannot listen on " + address + ": " + e.what());
        }
    }

    void start() {
        for (auto& listener : listeners_) accept(listener);
    }

    void close() {
        for (auto& listener : listeners_) {
            boost::system::error_code ignored;
            listener.acceptor.close(ignored);
            listener.retry.cancel();
        }
    }

    std::vector<int> ports() const {
        std::vector<int> out;
        for (const auto& listener : listeners_) {
            boost::system::error_code ec;
            auto endpoint = listener.acceptor.local_endpoint(ec);
            if (!ec) out.push_back(endpoint.port());
        }
        return out;
    }

  private:
    void accept(Listener& listener) {
        listener.acceptor.async_accept(
            asio::make_strand(core_.io),
            [this, &listener](boost::system::error_code ec, tcp::socket socket) {
                if (ec == asio::error::operation_aborted || core_.stopping) return;
                if (ec) {
                    // Out of descriptors, most likely: try again shortly instead of spinning.
                    log::warn("cannot accept a connection",
                              {{"address", listener.address}, {"error", ec.message()}});
                    listener.retry.expires_after(std::chrono::milliseconds(100));
                    listener.retry.async_wait([this, &listener](boost::system::error_code wait) {
                        if (!wait) accept(listener);
                    });
                    return;
                }
                admit(std::move(socket));
                accept(listener);
            });
    }

    void admit(tcp::socket socket) {
        boost::system::error_code ec;
        auto peer = socket.remote_endpoint(ec);
        if (ec) return;
        close_on_exec(socket.native_handle());
        auto client = client_address(peer.address());
        if (!core_.limits.admit(client)) return refuse(std::move(socket), client);
        socket.set_option(tcp::no_delay(true), ec);
        Lease lease(core_.limits, std::move(client));
        if (core_.tls) {
            using TlsStream = beast::ssl_stream<beast::tcp_stream>;
            std::make_shared<Session<TlsStream>>(
                core_, TlsStream(beast::tcp_stream(std::move(socket)), *core_.tls),
                std::move(lease))
                ->start();
        } else {
            std::make_shared<Session<beast::tcp_stream>>(
                core_, beast::tcp_stream(std::move(socket)), std::move(lease))
                ->start();
        }
    }

    // Past a cap the client learns why at once; a TLS client cannot be told before a handshake
    // that would cost what the cap saves, so it is closed.
    void refuse(tcp::socket socket, const std::string& client) {
        auto now = std::chrono::steady_clock::now();
        if (now - last_refusal_log_ > std::chrono::seconds(10)) {
            last_refusal_log_ = now;
            log::warn("connection refused: too many open",
                      {{"client", client},
                       {"open", core_.limits.open()},
                       {"max", core_.options.max_connections}});
        }
        if (core_.tls) return;  // the socket closes as it goes
        auto refused = std::make_shared<tcp::socket>(std::move(socket));
        asio::async_write(*refused, asio::buffer(kBusy),
                          [refused](boost::system::error_code, std::size_t) {
                              boost::system::error_code ignored;
                              refused->shutdown(tcp::socket::shutdown_send, ignored);
                          });
    }

    Core& core_;
    std::list<Listener> listeners_;
    std::chrono::steady_clock::time_point last_refusal_log_{};
};

struct Transport::State {
    explicit State(const ServerOptions& options, const Router& router)
        : core(options, router), acceptor(core) {}
    Core core;
    Acceptor acceptor;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> io_guard;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> workers_guard;
    std::thread io_thread;
    std::vector<std::thread> workers;
};

Transport::Transport(const ServerOptions& options, const Router& router)
    : state_(std::make_unique<State>(options, router)) {
    raise_open_file_limit();
    auto& state = *state_;
    if (options.tls) state.core.tls.emplace(tls_context(*options.tls));
    for (const auto& address : options.listen_addresses) state.acceptor.listen(address);
    state.io_guard.emplace(state.core.io.get_executor());
    state.workers_guard.emplace(state.core.workers.get_executor());
    state.io_thread = std::thread([&state] {
        name_this_thread("http-io");
        state.core.io.run();
    });
    for (int i = 0; i < std::max(1, options.threads); ++i)
        state.workers.emplace_back([&state] {
            name_this_thread("http-worker");
            state.core.workers.run();
        });
    asio::post(state.core.io, [&state] { state.acceptor.start(); });
}

Transport::~Transport() {
    stop();
}

void Transport::stop() {
    auto& state = *state_;
    if (!state.io_thread.joinable()) return;
    auto& core = state.core;
    core.stopping = true;  // before the wake-ups: a waiter that wakes sees it
    core.waits.wake_all();
    asio::post(core.io, [&state] { state.acceptor.close(); });
    core.shut_all();
    // Workers first: a request still being answered may open a stream, so only once they are
    // done is the set of stream threads final. Streams write through the loop, which runs on.
    state.workers_guard.reset();
    for (auto& worker : state.workers) worker.join();
    state.workers.clear();
    core.wait_detached();
    // Answers the workers finished meanwhile found their connections closing; close what is left.
    core.shut_all();
    state.io_guard.reset();
    state.io_thread.join();
}

std::vector<int> Transport::ports() const {
    return state_->acceptor.ports();
}

std::size_t Transport::open_connections() const {
    return state_->core.limits.open();
}

}  // namespace stackwatch::http
