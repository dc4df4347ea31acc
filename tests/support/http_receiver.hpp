#pragma once
// A real HTTP server on 127.0.0.1 that notifications are sent to: it records every request and
// answers with scripted statuses (e.g. fail the first three with 503), so tests can count what
// arrived, in what order, with which headers.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "common/http_server.hpp"

namespace stackwatch::test {

struct ReceivedRequest {
    std::string path;
    std::string body;
    std::map<std::string, std::string> headers;  // names lower-cased
    int status = 0;                              // what the receiver answered
};

class HttpReceiver {
  public:
    HttpReceiver();
    ~HttpReceiver();

    std::string url(const std::string& path = "/hook") const;
    // The next requests get these statuses, in order; afterwards 200.
    void script(std::vector<int> statuses,
                std::vector<std::pair<std::string, std::string>> headers = {});
    // Every request answers with this status until changed (0: back to the script and 200).
    void always(int status);
    // After the script, each request fails with 503 with this probability (a seeded sequence).
    void fail_randomly(double probability, unsigned seed);
    // While held, every request is recorded when it arrives but answered only once released.
    void hold(bool holding);
    // Each answer takes this long, as a slow receiver's does: notifications keep flowing for a
    // while instead of all arriving at once.
    void answer_after(std::chrono::milliseconds delay);

    std::vector<ReceivedRequest> requests() const;
    // The "status" (firing, resolved) of each Alertmanager-shaped notification whose group
    // label alertname is `alertname`, in arrival order.
    std::vector<std::string> statuses(const std::string& alertname) const;
    std::size_t count() const;
    // Waits until at least n requests arrived; false after the bound.
    bool wait_for(std::size_t n, std::chrono::milliseconds bound = std::chrono::seconds(20)) const;

  private:
    http::Server server_;
    mutable std::mutex mutex_;
    mutable std::condition_variable arrived_;
    std::condition_variable released_;
    bool holding_ = false;
    std::chrono::milliseconds answer_delay_{0};
    std::vector<ReceivedRequest> requests_;
    std::deque<int> script_;
    std::vector<std::pair<std::string, std::string>> script_headers_;
    int always_ = 0;
    double failure_probability_ = 0;
    std::mt19937 random_;
};

}  // namespace stackwatch::test
