// The connection layer against raw sockets: what slow, idle, greedy and malformed clients get,
// and that none of them holds the workers that answer everyone else.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <mutex>
#include <sstream>
#include <thread>

#include "common/http_client.hpp"
#include "common/http_server.hpp"
#include "common/web_flags.hpp"
#include "tests/support/eventually.hpp"

using namespace stackwatch;
using namespace std::chrono_literals;

namespace {

// A client socket that says exactly what the test wants, as slowly as it wants.
class RawClient {
  public:
    explicit RawClient(int port, const char* from = "127.0.0.1") {
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in local{};
        local.sin_family = AF_INET;
        inet_pton(AF_INET, from, &local.sin_addr);
        bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local);
        sockaddr_in server{};
        server.sin_family = AF_INET;
        server.sin_port = htons(static_cast<uint16_t>(port));
        inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
        connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&server), sizeof server) == 0;
    }
    ~RawClient() { close(fd_); }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    bool connected() const { return connected_; }
    bool send(std::string_view bytes) {
        return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
               static_cast<ssize_t>(bytes.size());
    }
    // What arrives within `bound`, up to the server's close; closed() tells which ended it.
    std::string receive(std::chrono::milliseconds bound = 10s) {
        std::string out;
        auto deadline = std::chrono::steady_clock::now() + bound;
        while (true) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return out;
            pollfd p{fd_, POLLIN, 0};
            if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return out;
            char buf[4096];
            ssize_t n = recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                closed_ = true;
                return out;
            }
            out.append(buf, static_cast<size_t>(n));
        }
    }
    // Reads until `needle` arrived (or the bound passed, or the server closed).
    std::string receive_until(std::string_view needle, std::chrono::milliseconds bound = 10s) {
        std::string out;
        auto deadline = std::chrono::steady_clock::now() + bound;
        while (out.find(needle) == std::string::npos && !closed_ &&
               std::chrono::steady_clock::now() < deadline)
            out += receive(50ms);
        return out;
    }
    bool closed() const { return closed_; }

  private:
    int fd_ = -1;
    bool connected_ = false;
    bool closed_ = false;
};

struct TransportFixture {
    std::unique_ptr<http::Server> server;
    int port = 0;

    void start(http::ServerOptions options,
               const std::function<void(http::Server&)>& more_routes = {}) {
        options.listen_addresses = {"127.0.0.1:0"};
        server = std::make_unique<http::Server>(std::move(options));
        server->route("GET", "/ping",
                      [](const http::Request&) { return http::Response::text("pong"); });
        server->route("POST", "/echo",
                      [](const http::Request& r) { return http::Response::text(r.body); },
                      {.max_body_bytes = 100});
        static const std::string big(8 << 20, 'x');
        server->route("GET", "/big",
                      [](const http::Request&) { return http::Response::text(big); });
        if (more_routes) more_routes(*server);
        server->start();
        port = server->ports().at(0);
    }
    int ping() {
        http::ClientRequest request;
        request.url = "http://127.0.0.1:" + std::to_string(port) + "/ping";
        request.timeout = 5s;
        return http::perform(request).status;
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(http_transport, TransportFixture)

BOOST_AUTO_TEST_CASE(a_head_sent_byte_by_byte_is_cut_at_its_deadline) {
    start({.read_header_timeout = 300ms});
    RawClient slow(port);
    BOOST_REQUIRE(slow.connected());
    // Each byte comes well within any per-read timeout; the head as a whole never arrives.
    std::string head = "GET /ping HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 100 && !slow.closed(); ++i) {
        slow.send(std::string(1, head[static_cast<size_t>(i) % head.size()]));
        slow.receive(50ms);
    }
    BOOST_TEST(slow.closed(),
               "the server kept a head that trickled for 5 s past a 300 ms deadline");
}

BOOST_AUTO_TEST_CASE(idle_clients_hold_no_worker) {
    start({.threads = 1});
    std::vector<std::unique_ptr<RawClient>> idle;
    for (int i = 0; i < 200; ++i) {
        idle.push_back(std::make_unique<RawClient>(port));
        BOOST_REQUIRE(idle.back()->connected());
    }
    // Half of them also began a request and stalled.
    for (size_t i = 0; i < idle.size(); i += 2) idle[i]->send("GET /ping HTTP/1.1\r\n");
    BOOST_REQUIRE(test::eventually([&] { return server->open_connections() >= 200; }));
    BOOST_TEST(ping() == 200);
}

BOOST_AUTO_TEST_CASE(kept_alive_connections_are_closed_when_idle) {
    start({.idle_timeout = 200ms});
    RawClient client(port);
    client.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    auto first = client.receive_until("pong");
    BOOST_TEST(first.starts_with("HTTP/1.1 200 OK"), first);
    BOOST_TEST(!client.closed());
    // A second request on the same connection is still answered...
    client.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    BOOST_TEST(client.receive_until("pong").starts_with("HTTP/1.1 200 OK"));
    // ...and silence ends it.
    client.receive(10s);
    BOOST_TEST(client.closed());
    BOOST_TEST(test::eventually([&] { return server->open_connections() == 0; }));
}

BOOST_AUTO_TEST_CASE(a_client_past_its_cap_gets_503_with_retry_after) {
    start({.max_connections_per_client = 3});
    std::vector<std::unique_ptr<RawClient>> held;
    for (int i = 0; i < 3; ++i) held.push_back(std::make_unique<RawClient>(port, "127.0.0.2"));
    BOOST_REQUIRE(test::eventually([&] { return server->open_connections() == 3; }));
    RawClient fourth(port, "127.0.0.2");
    auto answer = fourth.receive_until("\r\n\r\n");
    BOOST_TEST(answer.starts_with("HTTP/1.1 503 Service Unavailable"), answer);
    BOOST_TEST(answer.find("Retry-After: 1") != std::string::npos, answer);
    // The capped client gets in once one of its own goes, and another address is not affected.
    held.pop_back();
    BOOST_REQUIRE(test::eventually([&] { return server->open_connections() == 2; }));
    RawClient again(port, "127.0.0.2");
    again.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    BOOST_TEST(again.receive_until("pong").starts_with("HTTP/1.1 200 OK"));
    BOOST_TEST(ping() == 200);
}

BOOST_AUTO_TEST_CASE(connections_past_the_total_cap_are_refused) {
    start({.max_connections = 2});
    RawClient a(port, "127.0.0.2");
    RawClient b(port, "127.0.0.3");
    BOOST_REQUIRE(test::eventually([&] { return server->open_connections() == 2; }));
    RawClient c(port, "127.0.0.4");
    BOOST_TEST(c.receive_until("\r\n\r\n").starts_with("HTTP/1.1 503"));
    c.receive(10s);
    BOOST_TEST(c.closed());
}

BOOST_AUTO_TEST_CASE(an_oversized_head_gets_431) {
    start({.max_header_bytes = 1024});
    RawClient client(port);
    client.send("GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
    auto answer = client.receive_until("}");
    BOOST_TEST(answer.starts_with("HTTP/1.1 431"), answer);
    BOOST_TEST(answer.find("1024 bytes") != std::string::npos, answer);
}

BOOST_AUTO_TEST_CASE(a_malformed_request_gets_400_and_a_json_reason) {
    start({});
    RawClient client(port);
    client.send("GET /ping HTTP/9.x\r\n\r\n");
    auto answer = client.receive_until("}");
    BOOST_TEST(answer.starts_with("HTTP/1.1 400"), answer);
    BOOST_TEST(answer.find(R"("status":"error")") != std::string::npos, answer);
}

BOOST_AUTO_TEST_CASE(pipelined_requests_are_answered_in_order) {
    start({});
    RawClient client(port);
    client.send(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirstGET /ping HTTP/1.1\r\n"
        "Host: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "6\r\nthird!\r\n0\r\n\r\n");
    auto answers = client.receive_until("third!");
    auto first = answers.find("first");
    auto second = answers.find("pong");
    auto third = answers.find("third!");
    BOOST_TEST((first != std::string::npos && first < second && second < third), answers);
}

BOOST_AUTO_TEST_CASE(expect_100_continue_is_answered_before_the_body) {
    start({});
    RawClient client(port);
    client.send(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
    BOOST_TEST(client.receive_until("\r\n\r\n").starts_with("HTTP/1.1 100 Continue"));
    client.send("body");
    BOOST_TEST(client.receive_until("body").find("HTTP/1.1 200 OK") != std::string::npos);
    // A body its route would refuse is refused before it is sent.
    client.send(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
    auto refused = client.receive_until("}");
    BOOST_TEST(refused.starts_with("HTTP/1.1 413"), refused);
    BOOST_TEST(refused.find("Connection: close") != std::string::npos, refused);
}

BOOST_AUTO_TEST_CASE(dot_segments_cannot_reach_around_a_route) {
    start({});
    RawClient client(port);
    client.send("GET /nothing/../ping HTTP/1.1\r\nHost: x\r\n\r\n");
    BOOST_TEST(client.receive_until("pong").starts_with("HTTP/1.1 200 OK"));
    client.send("GET /%70ing HTTP/1.1\r\nHost: x\r\n\r\n");
    BOOST_TEST(client.receive_until("pong").starts_with("HTTP/1.1 200 OK"));
    client.send("GET /../../ping/.. HTTP/1.1\r\nHost: x\r\n\r\n");
    BOOST_TEST(client.receive_until("}").starts_with("HTTP/1.1 404"));
}

BOOST_AUTO_TEST_CASE(a_slow_reader_holds_no_worker) {
    start({.threads = 1});
    RawClient reader(port);
    reader.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
    // It reads nothing: 8 MiB cannot fit the socket buffers, so the response waits on it.
    BOOST_REQUIRE(!reader.receive(100ms).empty());
    BOOST_TEST(ping() == 200);
    BOOST_TEST(ping() == 200);
}

BOOST_AUTO_TEST_CASE(a_tls_handshake_that_never_finishes_is_cut_at_its_deadline) {
    auto dir =
        std::filesystem::temp_directory_path() / ("stackwatch-tls-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    auto cert = (dir / "cert.pem").string();
    auto key = (dir / "key.pem").string();
    std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
        "-keyout " +
        key + " -out " + cert + " 2>/dev/null";
    BOOST_REQUIRE(std::system(command.c_str()) == 0);
    start({.tls = http::TlsOptions{.cert_file = cert, .key_file = key},
           .read_header_timeout = 300ms});
    RawClient stalled(port);
    stalled.send(std::string("\x16\x03\x01\x02\x00", 5));  // a ClientHello's record header only
    http::ClientRequest request;
    request.url = "https://127.0.0.1:" + std::to_string(port) + "/ping";
    request.verify_tls = false;
    BOOST_TEST(http::perform(request).status == 200);
    stalled.receive(10s);
    BOOST_TEST(stalled.closed());
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_stopped_server_refuses_even_while_its_children_live) {
    start({});
    RawClient kept(port);
    BOOST_REQUIRE(test::eventually([&] { return server->open_connections() == 1; }));
    // A program started meanwhile must not inherit the listening socket (nor a connection).
    pid_t child = 0;
    const char* argv[] = {"sleep", "30", nullptr};
    BOOST_REQUIRE(
        posix_spawnp(&child, "sleep", nullptr, nullptr, const_cast<char**>(argv), environ) == 0);
    server->stop();
    RawClient after(port);
    BOOST_TEST(!after.connected());
    kept.receive(10s);
    BOOST_TEST(kept.closed());
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
}

BOOST_AUTO_TEST_CASE(event_streams_hold_no_request_worker) {
    std::atomic<int> open_streams{0};
    start({.threads = 1}, [&](http::Server& with) {
        with.stream("/events", [&](const http::Request&, http::EventStream& stream) {
            ++open_streams;
            while (stream.open()) stream.wait_for(50ms, [] { return false; });
            --open_streams;
        });
    });
    std::vector<std::unique_ptr<RawClient>> subscribers;
    for (int i = 0; i < 20; ++i) {
        subscribers.push_back(std::make_unique<RawClient>(port));
        subscribers.back()->send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    BOOST_REQUIRE(test::eventually([&] { return open_streams.load() == 20; }));
    BOOST_TEST(subscribers.front()->receive_until("\r\n\r\n").find("text/event-stream") !=
               std::string::npos);
    BOOST_TEST(ping() == 200);  // the one worker is free
    server->stop();             // and stopping ends every stream
    BOOST_TEST(open_streams.load() == 0);
}

BOOST_AUTO_TEST_CASE(a_caller_may_hold_only_so_many_streams) {
    std::atomic<int> open_streams{0};
    std::atomic<int> open_sockets{0};
    start({}, [&](http::Server& with) {
        with.stream("/events",
                    [&](const http::Request&, http::EventStream& stream) {
                        ++open_streams;
                        while (stream.open() && stream.heartbeat())
                            stream.wait_for(50ms, [] { return false; });
                        --open_streams;
                    },
                    {.max_streams_per_client = 2});
        with.websocket("/ws",
                       [&](const http::Request&, http::WebSocket& socket) {
                           ++open_sockets;
                           while (socket.open()) socket.wait_for(50ms, [] { return false; });
                           --open_sockets;
                       },
                       {.max_streams_per_client = 2});
    });
    const std::string subscribe = "GET /events HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string upgrade =
        "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    auto first = std::make_unique<RawClient>(port);
    RawClient second(port);
    first->send(subscribe);
    second.send(subscribe);
    BOOST_REQUIRE(test::eventually([&] { return open_streams.load() == 2; }));
    RawClient third(port);
    third.send(subscribe);
    auto refused = third.receive_until("}");
    BOOST_TEST(refused.starts_with("HTTP/1.1 429"), refused);
    BOOST_TEST(refused.find("Retry-After: 10") != std::string::npos, refused);
    BOOST_TEST(
        refused.find("address 127.0.0.1 holds 2 open streams of /events") != std::string::npos,
        refused);
    // Another address has slots of its own, and a slot given back is free again.
    RawClient elsewhere(port, "127.0.0.2");
    elsewhere.send(subscribe);
    BOOST_TEST(test::eventually([&] { return open_streams.load() == 3; }));
    first.reset();
    BOOST_REQUIRE(test::eventually([&] { return open_streams.load() == 2; }));
    RawClient fourth(port);
    fourth.send(subscribe);
    BOOST_TEST(fourth.receive_until("\r\n\r\n").find("text/event-stream") != std::string::npos);

    RawClient ws1(port);
    RawClient ws2(port);
    ws1.send(upgrade);
    ws2.send(upgrade);
    BOOST_TEST(ws1.receive_until("\r\n\r\n").starts_with("HTTP/1.1 101"));
    BOOST_REQUIRE(test::eventually([&] { return open_sockets.load() == 2; }));
    RawClient ws3(port);
    ws3.send(upgrade);
    BOOST_TEST(ws3.receive_until("}").starts_with("HTTP/1.1 429"));
}

BOOST_AUTO_TEST_CASE(a_bad_listen_address_is_named) {
    BOOST_CHECK_EXCEPTION(
        http::Server({.listen_addresses = {"127.0.0.1:notaport"}}).start(), std::runtime_error,
        [](const std::runtime_error& e) {
            return std::string(e.what()).find("cannot listen on 127.0.0.1:notaport") == 0;
        });
}

BOOST_AUTO_TEST_CASE(limits_on_the_command_line_are_checked) {
    FlagSet flags("test", "", "");
    WebServerFlags web;
    web.add_to(flags, http::ServerOptions{});
    const char* argv[] = {"test", "--web.idle-timeout=5m", "--web.max-connections=100"};
    std::ostringstream out, err;
    BOOST_REQUIRE(flags.parse(3, argv, out, err) == FlagSet::Outcome::run);
    http::ServerOptions options;
    web.apply(options);
    BOOST_TEST(options.idle_timeout.count() == 300000);
    BOOST_TEST(options.max_connections == 100u);
    BOOST_TEST(options.read_header_timeout.count() == 10000);  // the default, shown in --help
    flags.print_usage(out);
    BOOST_TEST(out.str().find("10s") != std::string::npos);
    web.write_timeout = "forever";
    BOOST_CHECK_EXCEPTION(web.apply(options), std::invalid_argument, [](const std::exception& e) {
        return std::string(e.what()).find("--web.write-timeout=forever") == 0;
    });
    web.write_timeout = "1s";
    web.max_connections_per_client = "0";
    BOOST_CHECK_THROW(web.apply(options), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
