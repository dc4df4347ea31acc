#pragma once
// One HTTP/1.1 connection, plain or TLS, on the event loop. Its reads and writes never hold a
// thread: the request head must arrive within read_header_timeout (the whole head, however slowly
// it trickles), a kept-alive connection may idle for idle_timeout, a body or response must move
// within write_timeout. A complete request goes to a worker; its answer comes back here to be
// written. Streams hand the connection to a thread of their own, WebSockets to a session of
// their own (common/http_websocket.hpp).

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <limits>

#include "common/http_core.hpp"
#include "common/http_websocket.hpp"
#include "common/memory.hpp"

namespace stackwatch::http {

namespace beast = boost::beast;
namespace wire = boost::beast::http;

// Large answers leave glibc's arenas full of free pages; handing them back costs a few
// milliseconds, which a worker pays, not the event loop.
constexpr std::size_t kLargeResponseBytes = 1 << 20;

// What handlers see of a parsed head: the method, the path percent-decoded with its dot segments
// resolved, the query string, the headers under lower-case names.
template <class Fields>
void read_request_head(const wire::request_header<Fields>& head, Request& request) {
    request.method = std::string(head.method_string());
    std::string_view target(head.target().data(), head.target().size());
    auto question = target.find('?');
    request.path = normalise_path(url_decode_path(target.substr(0, question)));
    if (question != std::string_view::npos)
        request.query_string = std::string(target.substr(question + 1));
    for (const auto& field : head) {
        auto name = field.name_string();
        request.headers[lower({name.data(), name.size()})] = std::string(field.value());
    }
}

template <class Stream>
class Session final : public Connection, public StreamChannel {
    static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  public:
    Session(Core& core, Stream stream, Lease lease)
        : core_(core), stream_(std::move(stream)), lease_(std::move(lease)) {
        core_.enlist(this);
    }
    ~Session() override { core_.discharge(this); }

    void start() {
        if constexpr (kTls) {
            lowest().expires_after(core_.options.read_header_timeout);
            stream_.async_handshake(asio::ssl::stream_base::server,
                                    [self = self()](boost::system::error_code ec) {
                                        if (ec) return self->close();
                                        self->read_head();
                                    });
        } else {
            read_head();
        }
    }

    void shut() override {
        asio::post(stream_.get_executor(), [self = self()] { self->close(); });
    }

    // From a stream's thread: waits until the bytes are written or the connection failed.
    bool write(std::string data) override {
        return write_on_loop(stream_.get_executor(), [self = self(), &data](auto done) {
            self->lowest().expires_after(self->core_.options.write_timeout);
            asio::async_write(self->stream_, asio::buffer(data),
                              [self, done](boost::system::error_code ec, std::size_t) {
                                  if (ec) self->close();
                                  done(!ec);
                              });
        });
    }

  private:
    std::shared_ptr<Session> self() {
        return std::static_pointer_cast<Session>(shared_from_this());
    }
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

    void read_head() {
        if (core_.stopping) return close();
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(core_.options.max_header_bytes));
        // The route decides the body's limit, once the head says which route it is.
        parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
        if (first_ || buffer_.size() > 0) return read_header();
        // Kept alive: the next request may take idle_timeout to begin, then has
        // read_header_timeout to arrive whole.
        lowest().expires_after(core_.options.idle_timeout);
        stream_.async_read_some(buffer_.prepare(512),
                                [self = self()](boost::system::error_code ec, std::size_t n) {
                                    if (ec) return self->close();
                                    self->buffer_.commit(n);
                                    self->read_header();
                                });
    }

    void read_header() {
        lowest().expires_after(core_.options.read_header_timeout);
        wire::async_read_header(
            stream_, buffer_, *parser_,
            [self = self()](boost::system::error_code ec, std::size_t) { self->on_header(ec); });
    }

    void on_header(boost::system::error_code ec) {
        started_ = std::chrono::steady_clock::now();
        if (ec == wire::error::header_limit)
            return refuse(431, "request header larger than " +
                                   std::to_string(core_.options.max_header_bytes) + " bytes");
        if (ec && ec.category() == wire::make_error_code(wire::error::bad_method).category() &&
            ec != wire::error::end_of_stream && ec != wire::error::partial_message)
            return refuse(400, "malformed request: " + ec.message());
        if (ec) return close();

        const auto& head = parser_->get();
        request_.emplace();
        Request& request = *request_;
        read_request_head(head, request);
        request.remote_addr = lease_.client();
        request.request_id = request_id_for(request);
        keep_alive_ = head.keep_alive();

        if (beast::websocket::is_upgrade(head))
            if (const auto* route = core_.router.websocket(request.path))
                return admit_websocket(*route);

        route_ = core_.router.match(request.method, request.path, request.path_params, path_known_);
        if (parser_->is_done()) return dispatch(false);
        if (route_ == nullptr) {
            keep_alive_ = false;  // its body stays unread
            return dispatch(false);
        }
        auto limit = route_->options.max_body_bytes;
        if (parser_->content_length() && *parser_->content_length() > limit) {
            keep_alive_ = false;
            return dispatch(true);
        }
        parser_->body_limit(limit);
        auto expect = request.header("expect");
        if (expect && beast::iequals(*expect, "100-continue")) {
            static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            lowest().expires_after(core_.options.write_timeout);
            return asio::async_write(stream_, asio::buffer(kContinue),
                                     [self = self()](boost::system::error_code ec, std::size_t) {
                                         if (ec) return self->close();
                                         self->read_body();
                                     });
        }
        read_body();
    }

    void read_body() {
        lowest().expires_after(core_.options.write_timeout);
        wire::async_read(stream_, buffer_, *parser_,
                         [self = self()](boost::system::error_code ec, std::size_t) {
                             if (ec == wire::error::body_limit) {
                                 self->keep_alive_ = false;
                                 return self->dispatch(true);
                             }
                             if (ec) return self->close();
                             self->request_->body = std::move(self->parser_->get().body());
                             self->dispatch(false);
                         });
    }

    // The handler may take its time: that is not the client's, so no deadline runs meanwhile.
    void dispatch(bool body_too_large) {
        lowest().expires_never();
        asio::post(core_.workers,
                   [self = self(), body_too_large] { self->answer(body_too_large); });
    }

    // On a worker.
    void answer(bool body_too_large) {
        auto response = Router::answer(*request_, route_, path_known_, body_too_large);
        if (!response) {
            std::shared_ptr<const void> slot;
            response = Router::claim_stream(route_->slots, *request_, slot);
            if (!response) return open_stream(std::move(slot));
        }
        bool closing = !keep_alive_ || core_.stopping || asks_to_close(*response);
        auto bytes = serialise(std::move(*response), *request_, closing);
        asio::post(stream_.get_executor(),
                   [self = self(), bytes = std::move(bytes), closing]() mutable {
                       self->write_response(std::move(bytes), closing);
                   });
    }

    void write_response(WireResponse bytes, bool closing) {
        response_ = std::move(bytes);
        lowest().expires_after(core_.options.write_timeout);
        std::array<asio::const_buffer, 2> buffers{asio::buffer(response_.head),
                                                  asio::buffer(response_.body)};
        asio::async_write(stream_, buffers,
                          [self = self(), closing](boost::system::error_code ec, std::size_t) {
                              self->written(ec, closing);
                          });
    }

    void written(boost::system::error_code ec, bool closing) {
        log_access(*request_, response_.status, response_.body_bytes, started_);
        bool large = response_.body_bytes >= kLargeResponseBytes;
        response_ = {};
        if (large) asio::post(core_.workers, [] { memory::release_free_memory(); });
        request_.reset();
        if (ec) return close();
        if (closing) return linger_close();
        first_ = false;
        if (buffer_.size() == 0) buffer_.shrink_to_fit();
        read_head();
    }

    // A request refused before it was read whole: the answer, then the connection closes.
    void refuse(int status, const std::string& reason) {
        request_.emplace();
        request_->method = "-";
        request_->remote_addr = lease_.client();
        request_->request_id = generate_request_id();
        write_response(serialise(Response::error(status, reason), *request_, true), true);
    }

    void open_stream(std::shared_ptr<const void> slot) {
        core_.run_detached([self = self(), slot = std::move(slot)] {
            Request& request = *self->request_;
            if (self->write(event_stream_head(request))) {
                EventStream events(*self, self->core_.stopping, self->core_.waits);
                self->route_->stream_handler(request, events);
            }
            log_access(request, 200, 0, self->started_);
            asio::post(self->stream_.get_executor(), [self] { self->linger_close(); });
        });
    }

    void admit_websocket(const WebSocketRoute& route) {
        lowest().expires_never();
        asio::post(core_.workers, [self = self(), &route] {
            auto refused = Router::refusal(*self->request_, route.options);
            std::shared_ptr<const void> slot;
            if (!refused) refused = Router::claim_stream(route.slots, *self->request_, slot);
            asio::post(self->stream_.get_executor(), [self, &route, refused = std::move(refused),
                                                      slot = std::move(slot)]() mutable {
                if (refused)
                    return self->write_response(
                        serialise(std::move(*refused), *self->request_, true), true);
                auto upgraded = std::make_shared<WebSocketSession<Stream>>(
                    self->core_, std::move(self->stream_), std::move(self->lease_),
                    std::move(*self->request_), route, std::move(slot));
                upgraded->accept(self->parser_->release(), self->started_);
            });
        });
    }

    // Closing with the client's bytes unread would reset the connection and could destroy the
    // answer before the client reads it: so the sending side closes first, and what still comes
    // in is read and dropped for a moment.
    void linger_close() {
        boost::system::error_code ignored;
        lowest().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        lowest().expires_after(std::chrono::seconds(1));
        drain();
    }
    void drain() {
        lowest().async_read_some(asio::buffer(drain_buffer_),
                                 [self = self()](boost::system::error_code ec, std::size_t) {
                                     if (ec) return self->close();
                                     self->drain();
                                 });
    }

    void close() { close_now(lowest().socket()); }

    Core& core_;
    Stream stream_;
    Lease lease_;
    beast::flat_buffer buffer_;
    std::optional<wire::request_parser<wire::string_body>> parser_;
    std::optional<Request> request_;
    const Route* route_ = nullptr;
    bool path_known_ = false;
    bool keep_alive_ = true;
    bool first_ = true;
    WireResponse response_;
    std::chrono::steady_clock::time_point started_;
    std::array<char, 256> drain_buffer_{};
};

}  // namespace stackwatch::http
