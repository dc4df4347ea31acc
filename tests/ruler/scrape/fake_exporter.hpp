#pragma once
// A real HTTP endpoint on 127.0.0.1 serving /metrics, whose body and status a test changes while
// scrapes run, and which can hold requests until released (a slow target).

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "tests/support/eventually.hpp"
#include "common/http_server.hpp"

namespace stackwatch::test {

class FakeExporter {
  public:
    explicit FakeExporter(std::string body = "") : body_(std::move(body)) {
        server_.route("GET", "/metrics", [this](const http::Request& request) {
            std::unique_lock lock(mutex_);
            ++requests_;
            last_headers_ = request.headers;
            last_query_ = request.query_string;
            changed_.notify_all();
            changed_.wait(lock, [this] { return !holding_; });
            return http::Response::text(body_, status_, content_type_);
        });
        server_.start();
        address_ = "127.0.0.1:" + std::to_string(server_.ports()[0]);
    }
    ~FakeExporter() {
        release();
        server_.stop();
    }

    const std::string& address() const { return address_; }
    void stop() { server_.stop(); }

    void serve(std::string body, int status = 200,
               std::string content_type = "text/plain; version=0.0.4; charset=utf-8") {
        std::lock_guard lock(mutex_);
        body_ = std::move(body);
        status_ = status;
        content_type_ = std::move(content_type);
    }
    // Requests block until release().
    void hold() {
        std::lock_guard lock(mutex_);
        holding_ = true;
    }
    void release() {
        std::lock_guard lock(mutex_);
        holding_ = false;
        changed_.notify_all();
    }
    // Waits (bounded) until at least n requests arrived; returns whether they did.
    bool wait_for_requests(int n, std::chrono::seconds bound = std::chrono::seconds(10)) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, bound, [&] { return requests_ >= n; });
    }
    int requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }
    std::string header(const std::string& name) const {
        std::lock_guard lock(mutex_);
        auto it = last_headers_.find(name);
        return it == last_headers_.end() ? "" : it->second;
    }
    std::string query() const {
        std::lock_guard lock(mutex_);
        return last_query_;
    }

  private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::string body_;
    int status_ = 200;
    std::string content_type_ = "text/plain; version=0.0.4; charset=utf-8";
    bool holding_ = false;
    int requests_ = 0;
    std::map<std::string, std::string> last_headers_;
    std::string last_query_;
    std::string address_;  // kept: a stopped server no longer knows its port
    http::Server server_{{.listen_addresses = {"127.0.0.1:0"}, .threads = 8}};
};


}  // namespace stackwatch::test
