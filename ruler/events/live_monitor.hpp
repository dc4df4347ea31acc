#pragma once
// The periodic sources of the event stream: every interval it publishes the ruler's performance
// metrics (the runbook's process figures plus its own counts) and the health of every scrape
// target, as an event whenever one changes: up/down from the scrapes, and the status of a
// stackwatch exporter's /health/detailed when the target serves one. A slow or dead target
// costs its own short timeout, never a scrape or an evaluation.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "ruler/events/event_journal.hpp"
#include "ruler/scrape/scrape_manager.hpp"

namespace stackwatch::events {

struct LiveMonitorOptions {
    std::chrono::milliseconds interval = std::chrono::seconds(10);
    std::chrono::milliseconds health_timeout = std::chrono::seconds(2);
    // The ruler's own figures merged into each metrics event ("ruler": {...}).
    std::function<nlohmann::json()> ruler_figures;
};

class LiveMonitor {
  public:
    LiveMonitor(EventJournal& journal, scrape::ScrapeManager& scrapes, LiveMonitorOptions options);
    ~LiveMonitor();
    LiveMonitor(const LiveMonitor&) = delete;
    LiveMonitor& operator=(const LiveMonitor&) = delete;
    void stop();

    // What a snapshot shows: every target's health as last seen, and the latest metrics.
    nlohmann::json health() const;
    nlohmann::json metrics() const;
    nlohmann::json fresh_metrics() const;  // measured now, for GET /monitoring/metrics
    // One round now: health, then metrics (the thread runs it every interval).
    void poll();

  private:
    void loop();
    nlohmann::json probe(const scrape::TargetStatus& target) const;

    EventJournal& journal_;
    scrape::ScrapeManager& scrapes_;
    LiveMonitorOptions options_;
    mutable std::mutex mutex_;
    std::map<std::string, nlohmann::json> health_;  // by target URL
    nlohmann::json metrics_;
    std::mutex poll_mutex_;
    std::mutex wake_mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace stackwatch::events
