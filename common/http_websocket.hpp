#pragma once
// One WebSocket connection after its upgrade was admitted: the event loop reads (and drops) what
// the client sends, answers its pings and notices when it leaves; the route's handler runs on a
// thread of its own and writes text frames through this session.

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <mutex>

#include "common/http_core.hpp"
#include "common/logging.hpp"

namespace stackwatch::http {

template <class Stream>
class WebSocketSession final : public Connection, public StreamChannel {
  public:
    WebSocketSession(Core& core, Stream stream, Lease lease, Request request,
                     const WebSocketRoute& route, std::shared_ptr<const void> slot)
        : core_(core),
          socket_(std::move(stream)),
          lease_(std::move(lease)),
          slot_(std::move(slot)),
          request_(std::move(request)),
          route_(route) {
        core_.enlist(this);
    }
    ~WebSocketSession() override { core_.discharge(this); }

    void accept(boost::beast::http::request<boost::beast::http::string_body> upgrade,
                std::chrono::steady_clock::time_point started) {
        namespace websocket = boost::beast::websocket;
        boost::beast::get_lowest_layer(socket_).expires_never();
        websocket::stream_base::timeout timeout{};
        timeout.handshake_timeout = core_.options.read_header_timeout;
        // A client that answers pings stays however quiet it is.
        timeout.idle_timeout = core_.options.idle_timeout;
        timeout.keep_alive_pings = true;
        socket_.set_option(timeout);
        socket_.read_message_max(64 << 10);
        upgrade_ = std::move(upgrade);
        socket_.async_accept(upgrade_, [self = self(), started](boost::system::error_code ec) {
            log_access(self->request_, ec ? 400 : 101, 0, started);
            if (ec) return self->close();
            self->run_handler();
            self->read();
        });
    }

    void shut() override {
        asio::post(socket_.get_executor(), [self = self()] { self->close(); });
    }

    bool write(std::string data) override {
        return write_on_loop(socket_.get_executor(), [self = self(), &data](auto done) {
            self->socket_.text(true);
            self->socket_.async_write(asio::buffer(data), [done](boost::system::error_code ec,
                                                                 std::size_t) { done(!ec); });
        });
    }

  private:
    std::shared_ptr<WebSocketSession> self() {
        return std::static_pointer_cast<WebSocketSession>(shared_from_this());
    }

    void run_handler() {
        core_.run_detached([self = self()] {
            WebSocket handle(*self, self->core_.stopping, self->core_.waits);
            {
                std::lock_guard lock(self->mutex_);
                self->handle_ = &handle;
                if (self->client_gone_) handle.close();
            }
            try {
                self->route_.handler(self->request_, handle);
            } catch (const std::exception& e) {
                log::error("websocket handler failed",
                           {{"path", self->route_.path}, {"error", e.what()}});
            }
            {
                std::lock_guard lock(self->mutex_);
                self->handle_ = nullptr;
            }
            asio::post(self->socket_.get_executor(), [self] { self->finish(); });
        });
    }

    void read() {
        socket_.async_read(buffer_, [self = self()](boost::system::error_code ec, std::size_t) {
            self->buffer_.consume(self->buffer_.size());
            if (ec) return self->client_left();
            self->read();
        });
    }

    void client_left() {
        std::lock_guard lock(mutex_);
        client_gone_ = true;
        if (handle_ != nullptr) handle_->close();
    }

    void finish() {
        if (!socket_.is_open()) return close();
        socket_.async_close(boost::beast::websocket::close_code::normal,
                            [self = self()](boost::system::error_code) { self->close(); });
    }

    void close() { close_now(boost::beast::get_lowest_layer(socket_).socket()); }

    Core& core_;
    boost::beast::websocket::stream<Stream> socket_;
    Lease lease_;
    std::shared_ptr<const void> slot_;  // under the route's max_streams_per_client
    Request request_;
    const WebSocketRoute& route_;
    boost::beast::http::request<boost::beast::http::string_body> upgrade_;
    boost::beast::flat_buffer buffer_;
    std::mutex mutex_;
    WebSocket* handle_ = nullptr;
    bool client_gone_ = false;
};

}  // namespace stackwatch::http
