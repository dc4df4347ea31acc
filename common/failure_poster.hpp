#pragma once
// A failure sink that sends stackwatch's own failures to a ruler's POST /monitoring/errors, for
// the exporter, whose collectors fail where the ruler cannot see why. Reports are queued (at
// most 1,000; more are dropped and counted) and posted in batches from a thread of its own, so a
// scrape never waits for the ruler, and a ruler that is down costs nothing but the reports.

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "common/failure_report.hpp"

namespace stackwatch {

struct FailurePosterOptions {
    std::string url;    // http://ruler:19090/monitoring/errors
    std::string token;  // an operator's bearer token; empty: none
    std::string service = "stackwatch-exporter";
    std::size_t max_queued = 1000;
};

class FailurePoster {
  public:
    explicit FailurePoster(FailurePosterOptions options);
    ~FailurePoster();  // sends what is queued, then stops
    FailurePoster(const FailurePoster&) = delete;
    FailurePoster& operator=(const FailurePoster&) = delete;

    void post(const Failure& failure);  // never blocks
    std::size_t dropped() const;

  private:
    void run();
    FailurePosterOptions options_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<nlohmann::json> queue_;
    std::size_t dropped_ = 0;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace stackwatch
