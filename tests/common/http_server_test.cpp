#include <boost/test/unit_test.hpp>
#include <deque>

#include <curl/curl.h>

#include <atomic>
#include <thread>

#include "common/auth.hpp"
#include "common/http_client.hpp"
#include "common/http_server.hpp"
#include "tests/support/eventually.hpp"

using namespace stackwatch;
using namespace std::chrono_literals;

namespace {

struct ServerFixture {
    http::Server server{{.listen_addresses = {"127.0.0.1:0"}, .threads = 8}};
    std::string base;

    void start() {
        server.start();
        BOOST_REQUIRE(!server.ports().empty());
        BOOST_REQUIRE(server.ports()[0] > 0);
        base = "http://127.0.0.1:" + std::to_string(server.ports()[0]);
    }
    http::ClientResponse call(const std::string& method, const std::string& path,
                              std::vector<std::pair<std::string, std::string>> headers = {},
                              std::string body = "") {
        http::ClientRequest request;
        request.method = method;
        request.url = base + path;
        request.headers = std::move(headers);
        request.body = std::move(body);
        return http::perform(request);
    }
};

size_t append_locked(char* data, size_t size, size_t n, void* user) {
    auto* ctx = static_cast<std::pair<std::string*, std::mutex*>*>(user);
    std::lock_guard lock(*ctx->second);
    ctx->first->append(data, size * n);
    return size * n;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(http_server, ServerFixture)

BOOST_AUTO_TEST_CASE(routes_with_path_parameters_and_query) {
    server.route("GET", "/monitoring/errors/{id}", [](const http::Request& r) {
        return http::Response::json({{"id", r.path_param("id")},
                                     {"verbose", r.query_param("verbose").value_or("")}});
    });
    start();
    auto r = call("GET", "/monitoring/errors/abc-42?verbose=yes%20please");
    BOOST_TEST(r.status == 200);
    auto j = nlohmann::json::parse(r.body);
    BOOST_TEST(j["id"] == "abc-42");
    BOOST_TEST(j["verbose"] == "yes please");
    BOOST_TEST(r.headers["content-type"] == "application/json");
}

BOOST_AUTO_TEST_CASE(unknown_paths_and_methods_get_json_errors) {
    server.route("GET", "/only-get", [](const http::Request&) { return http::Response::text("x"); });
    start();
    auto r = call("GET", "/nope");
    BOOST_TEST(r.status == 404);
    BOOST_TEST(nlohmann::json::parse(r.body)["error"].get<std::string>().find("/nope") != std::string::npos);
    r = call("POST", "/only-get");
    BOOST_TEST(r.status == 405);
    BOOST_TEST(nlohmann::json::parse(r.body)["status"] == "error");
}

BOOST_AUTO_TEST_CASE(request_bodies_are_limited) {
    server.route("POST", "/echo", [](const http::Request& r) { return http::Response::text(r.body); },
                 {.max_body_bytes = 1000});
    start();
    auto r = call("POST", "/echo", {{"Content-Type", "text/plain"}}, std::string(999, 'a'));
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.body.size() == 999u);
    r = call("POST", "/echo", {{"Content-Type", "text/plain"}}, std::string(5000, 'a'));
    BOOST_TEST(r.status == 413);
    BOOST_TEST(nlohmann::json::parse(r.body)["error"].get<std::string>().find("1000") != std::string::npos);
    // Chunked bodies have no Content-Length: the limit applies while reading.
    r = call("POST", "/echo", {{"Transfer-Encoding", "chunked"}}, std::string(5000, 'b'));
    BOOST_TEST(r.status == 413);
}

BOOST_AUTO_TEST_CASE(bearer_token_protects_routes) {
    auto auth = std::make_shared<BearerTokenAuth>("t0ken-value");
    server.route("GET", "/secret", [](const http::Request&) { return http::Response::json({{"ok", true}}); },
                 {.auth = auth});
    server.route("GET", "/open", [](const http::Request&) { return http::Response::json({{"ok", true}}); });
    start();
    BOOST_TEST(call("GET", "/open").status == 200);
    auto r = call("GET", "/secret");
    BOOST_TEST(r.status == 401);
    BOOST_TEST(r.headers["www-authenticate"] == "Bearer");
    BOOST_TEST(nlohmann::json::parse(r.body)["error"] == "authentication required");
    BOOST_TEST(call("GET", "/secret", {{"Authorization", "Bearer wrong"}}).status == 401);
    BOOST_TEST(call("GET", "/secret", {{"Authorization", "Bearer t0ken-valu"}}).status == 401);
    BOOST_TEST(call("GET", "/secret", {{"Authorization", "Basic t0ken-value"}}).status == 401);
    BOOST_TEST(call("GET", "/secret", {{"Authorization", "Bearer t0ken-value"}}).status == 200);
    BOOST_TEST(call("GET", "/secret", {{"Authorization", "bearer t0ken-value"}}).status == 200);
}

BOOST_AUTO_TEST_CASE(request_ids_are_echoed_or_generated) {
    server.route("GET", "/id", [](const http::Request& r) { return http::Response::json({{"id", r.request_id}}); });
    start();
    auto r = call("GET", "/id", {{"X-Request-Id", "req_123"}});
    BOOST_TEST(r.headers["x-request-id"] == "req_123");
    BOOST_TEST(nlohmann::json::parse(r.body)["id"] == "req_123");
    auto a = call("GET", "/id");
    auto b = call("GET", "/id", {{"X-Request-Id", "bad id with spaces"}});
    BOOST_TEST(a.headers["x-request-id"].starts_with("req_"));
    BOOST_TEST(b.headers["x-request-id"].starts_with("req_"));
    BOOST_TEST(a.headers["x-request-id"] != b.headers["x-request-id"]);
}

BOOST_AUTO_TEST_CASE(handler_exceptions_become_500) {
    server.route("GET", "/boom", [](const http::Request&) -> http::Response { throw std::runtime_error("x"); });
    start();
    auto r = call("GET", "/boom");
    BOOST_TEST(r.status == 500);
    BOOST_TEST(nlohmann::json::parse(r.body)["error"] == "internal error");
}

BOOST_AUTO_TEST_CASE(gzip_when_the_client_asks) {
    std::string big(20000, 'm');
    server.route("GET", "/big", [&](const http::Request&) { return http::Response::text(big); });
    start();
    http::ClientRequest request;
    request.url = base + "/big";
    request.accept_gzip = true;
    auto r = http::perform(request);
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.headers["content-encoding"] == "gzip");
    BOOST_TEST(r.body == big);  // curl decodes it
    BOOST_TEST(std::stoul(r.headers["content-length"]) < big.size());
    auto plain = call("GET", "/big");
    BOOST_TEST(plain.headers.count("content-encoding") == 0u);
}

BOOST_AUTO_TEST_CASE(server_sent_events_reach_the_client_and_stop_cleanly) {
    std::mutex queue_mutex;
    std::deque<std::string> queue;
    http::EventStream* open_stream = nullptr;
    std::atomic<int> streams{0};
    server.stream("/events", [&](const http::Request&, http::EventStream& stream) {
        {
            std::lock_guard lock(queue_mutex);
            open_stream = &stream;
        }
        ++streams;
        bool alive = stream.send("connected", "{}");
        auto has_data = [&] {
            std::lock_guard lock(queue_mutex);
            return !queue.empty();
        };
        while (alive && stream.open()) {
            if (!stream.wait_for(50ms, has_data)) {
                alive = stream.heartbeat();
                continue;
            }
            std::lock_guard lock(queue_mutex);
            alive = stream.send("alert", queue.front(), "7");
            queue.pop_front();
        }
        std::lock_guard lock(queue_mutex);
        open_stream = nullptr;
        --streams;
    });
    start();
    std::string received;
    std::mutex received_mutex;
    std::atomic<bool> done{false};
    std::thread client([&] {
        CURL* curl = curl_easy_init();
        std::string url = base + "/events";
        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_locked);
        std::pair<std::string*, std::mutex*> ctx{&received, &received_mutex};
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ctx);
        curl_easy_perform(curl);
        curl_easy_cleanup(curl);
        done = true;
    });
    auto contains = [&](const std::string& needle) {
        std::lock_guard lock(received_mutex);
        return received.find(needle) != std::string::npos;
    };
    BOOST_REQUIRE(stackwatch::test::eventually([&] { return streams.load() == 1; }, 10s, 5ms));
    {
        std::lock_guard lock(queue_mutex);
        queue.push_back(R"({"name":"HighErrorRate"})");
        open_stream->notify();
    }
    BOOST_TEST(stackwatch::test::eventually(
        [&] { return contains("id: 7\nevent: alert\ndata: {\"name\":\"HighErrorRate\"}\n\n"); },
        10s, 5ms));
    BOOST_TEST(stackwatch::test::eventually([&] { return contains(": heartbeat\n\n"); }, 10s, 5ms));
    BOOST_TEST(contains("event: connected"));
    server.stop();  // must not hang on the open stream
    client.join();
    BOOST_TEST(done.load());
    BOOST_TEST(streams.load() == 0);
}

BOOST_AUTO_TEST_CASE(listen_failure_names_the_address) {
    start();
    http::Server second({.listen_addresses = {"127.0.0.1:" + std::to_string(server.ports()[0])}});
    try {
        second.start();
        BOOST_FAIL("second server should not bind a taken port");
    } catch (const std::runtime_error& e) {
        BOOST_TEST(std::string(e.what()).find("cannot listen on 127.0.0.1:") != std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_SUITE_END()
