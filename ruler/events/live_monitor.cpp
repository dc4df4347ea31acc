#include "ruler/events/live_monitor.hpp"

#include "common/http_client.hpp"
#include "common/logging.hpp"
#include "common/process_report.hpp"
#include "common/thread_name.hpp"

namespace stackwatch::events {
namespace {

using nlohmann::json;

// scheme://host:port of a scrape URL.
std::string origin_of(const std::string& url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) return url;
    auto path = url.find('/', scheme_end + 3);
    return path == std::string::npos ? url : url.substr(0, path);
}

json metrics_report(const LiveMonitorOptions& options) {
    auto report = process::process_report();
    if (options.ruler_figures) report["ruler"] = options.ruler_figures();
    return report;
}

}  // namespace

LiveMonitor::LiveMonitor(EventJournal& journal, scrape::ScrapeManager& scrapes,
                         LiveMonitorOptions options)
    : journal_(journal), scrapes_(scrapes), options_(std::move(options)) {
    thread_ = std::thread([this] { loop(); });
}

LiveMonitor::~LiveMonitor() {
    stop();
}

void LiveMonitor::stop() {
    {
        std::lock_guard lock(wake_mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

json LiveMonitor::probe(const scrape::TargetStatus& status) const {
    json out = {{"target", status.target.url},
                {"job", status.target.labels.get("job")},
                {"instance", status.target.labels.get("instance")},
                {"scrape", status.health}};
    if (!status.last_error.empty()) out["lastError"] = status.last_error;
    std::string state = status.health;
    // A stackwatch exporter says more about its database and cache than the scrape can; one
    // that does not answer at all is down, whatever the last scrape said. It is asked with the
    // scrape's own credentials: an exporter keeps its detailed health behind a token.
    if (status.health == "up") {
        http::ClientRequest request{.url = origin_of(status.target.url) + "/health/detailed",
                                    .timeout = options_.health_timeout};
        http::ClientResponse detailed;
        try {
            if (status.target.config) status.target.config->auth.apply(request);
            detailed = http::perform(request);
        } catch (const std::exception& e) {
            detailed.error = e.what();  // a secret file that cannot be read
        }
        if (detailed.status == 0) {
            state = "down";
            out["lastError"] = detailed.error;
        } else if (detailed.status == 200) {
            auto body = json::parse(detailed.body, nullptr, false);
            if (body.is_object() && body.contains("status") && body["status"].is_string()) {
                state = body["status"];
                out["detailed"] = body;
            }
        }
    }
    out["status"] = state;
    return out;
}

void LiveMonitor::poll() {
    std::lock_guard poll_lock(poll_mutex_);
    std::map<std::string, json> seen;
    for (const auto& status : scrapes_.targets()) seen[status.target.url] = probe(status);
    std::vector<json> changes;
    {
        std::lock_guard lock(mutex_);
        for (auto& [url, now] : seen) {
            auto before = health_.find(url);
            std::string previous =
                before == health_.end() ? "unknown" : before->second["status"].get<std::string>();
            if (previous != now["status"]) {
                json change = now;
                change["previous"] = previous;
                changes.push_back(std::move(change));
            }
        }
        health_ = std::move(seen);
    }
    for (const auto& change : changes) journal_.publish("health", change);
    auto report = metrics_report(options_);
    {
        std::lock_guard lock(mutex_);
        metrics_ = report;
    }
    journal_.publish("metrics", report);
}

void LiveMonitor::loop() {
    name_this_thread("live-monitor");
    std::unique_lock lock(wake_mutex_);
    do {
        lock.unlock();
        try {
            poll();
        } catch (const std::exception& e) {
            log::error("live monitor round failed", {{"error", e.what()}});
        }
        lock.lock();
    } while (!wake_.wait_for(lock, options_.interval, [this] { return stopping_; }));
}

json LiveMonitor::health() const {
    std::lock_guard lock(mutex_);
    json out = json::array();
    for (const auto& [url, h] : health_) out.push_back(h);
    return out;
}

json LiveMonitor::metrics() const {
    std::lock_guard lock(mutex_);
    return metrics_.is_null() ? metrics_report(options_) : metrics_;
}

json LiveMonitor::fresh_metrics() const {
    return metrics_report(options_);
}

}  // namespace stackwatch::events
