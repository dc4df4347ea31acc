#pragma once
// One target's scrapes, on its own thread so a slow or dead target never holds up another: wait
// for the target's slot in the interval, fetch, append, report (up, scrape_duration_seconds,
// ...), repeat. Waiting is on a condition variable, so stop() ends the loop at once (or when an
// in-flight request returns, at the latest after scrape_timeout).

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ruler/scrape/scrape_cache.hpp"
#include "ruler/scrape/target.hpp"
#include "ruler/storage/memory_store.hpp"

namespace stackwatch::scrape {

// A target as /api/v1/targets shows it.
struct TargetStatus {
    Target target;
    std::string health = "unknown";  // "up" or "down" after the first scrape
    std::string last_error;
    std::optional<std::chrono::system_clock::time_point> last_scrape;
    double last_scrape_duration = 0;  // seconds

    // One element of Prometheus's activeTargets: discoveredLabels, labels, scrapePool,
    // scrapeUrl, globalUrl, lastError, lastScrape, lastScrapeDuration, health, scrapeInterval,
    // scrapeTimeout.
    nlohmann::json to_json() const;
};

class ScrapeLoop {
  public:
    ScrapeLoop(Target target, storage::MemoryStore& store);
    ~ScrapeLoop();
    ScrapeLoop(const ScrapeLoop&) = delete;
    ScrapeLoop& operator=(const ScrapeLoop&) = delete;

    void start();
    // Asks the loop to end without waiting for it, so many loops can wind down together.
    void request_stop();
    // Ends the loop and waits for it. With mark_stale (the target went away) its series and
    // report series get staleness markers.
    void stop(bool mark_stale);

    const Target& target() const { return target_; }
    TargetStatus status() const;

  private:
    struct Fetched {
        std::string body;
        std::string content_type;
        std::string error;
        int status = 0;  // the HTTP status, when an answer came
    };
    void run();
    void scrape();
    Fetched fetch() const;
    void report(promql::Timestamp t, bool up, double seconds, const AppendResult& appended);
    void mark_report_stale(promql::Timestamp t);

    const Target target_;
    const std::vector<promql::Labels> report_labels_;  // up, scrape_duration_seconds, ...
    storage::MemoryStore& store_;
    ScrapeCache cache_;
    promql::Timestamp last_report_ = 0;  // 0: nothing reported yet

    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;

    mutable std::mutex status_mutex_;
    TargetStatus status_;
};

}  // namespace stackwatch::scrape
