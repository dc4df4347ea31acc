#include "tests/support/http_receiver.hpp"

#include <nlohmann/json.hpp>
#include <thread>

namespace stackwatch::test {

HttpReceiver::HttpReceiver() : server_({.listen_addresses = {"127.0.0.1:0"}, .threads = 8}) {
    auto handle = [this](const http::Request& request) {
        std::unique_lock lock(mutex_);
        int status = 200;
        if (always_ != 0) {
            status = always_;
        } else if (!script_.empty()) {
            status = script_.front();
            script_.pop_front();
        } else if (failure_probability_ > 0 &&
                   std::uniform_real_distribution<double>(0, 1)(random_) < failure_probability_) {
            status = 503;
        }
        requests_.push_back({request.path, request.body, request.headers, status});
        arrived_.notify_all();
        released_.wait(lock, [this] { return !holding_; });
        auto response = http::Response::text("ok\n", status);
        if (status != 200) response.headers = script_headers_;
        auto delay = answer_delay_;
        lock.unlock();
        if (delay.count() > 0) std::this_thread::sleep_for(delay);
        return response;
    };
    for (const char* path : {"/hook", "/slack", "/other", "/backup", "/secondary", "/manager",
                             "/api/v2/alerts", "/api/v1/write"}) {
        server_.route("POST", path, handle, {.max_body_bytes = 64 << 20});
    }
    server_.start();
}

HttpReceiver::~HttpReceiver() {
    hold(false);
    server_.stop();
}

void HttpReceiver::hold(bool holding) {
    {
        std::lock_guard lock(mutex_);
        holding_ = holding;
    }
    released_.notify_all();
}

std::string HttpReceiver::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_.ports().at(0)) + path;
}

void HttpReceiver::script(std::vector<int> statuses,
                          std::vector<std::pair<std::string, std::string>> headers) {
    std::lock_guard lock(mutex_);
    script_.assign(statuses.begin(), statuses.end());
    script_headers_ = std::move(headers);
}

void HttpReceiver::answer_after(std::chrono::milliseconds delay) {
    std::lock_guard lock(mutex_);
    answer_delay_ = delay;
}

void HttpReceiver::always(int status) {
    std::lock_guard lock(mutex_);
    always_ = status;
}

void HttpReceiver::fail_randomly(double probability, unsigned seed) {
    std::lock_guard lock(mutex_);
    failure_probability_ = probability;
    random_.seed(seed);
}

std::vector<ReceivedRequest> HttpReceiver::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

std::vector<std::string> HttpReceiver::statuses(const std::string& alertname) const {
    std::vector<std::string> out;
    for (const auto& r : requests()) {
        auto body = nlohmann::json::parse(r.body, nullptr, false);
        if (body.is_object() && body["groupLabels"].value("alertname", "") == alertname)
            out.push_back(body.value("status", ""));
    }
    return out;
}

std::size_t HttpReceiver::count() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
}

bool HttpReceiver::wait_for(std::size_t n, std::chrono::milliseconds bound) const {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, bound, [&] { return requests_.size() >= n; });
}

}  // namespace stackwatch::test
