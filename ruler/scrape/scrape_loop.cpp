#include "ruler/scrape/scrape_loop.hpp"

#include <algorithm>

#include "common/failure_report.hpp"
#include "common/http_client.hpp"
#include "common/logging.hpp"
#include "common/redact.hpp"
#include "common/time_format.hpp"
#include "common/version.hpp"
#include "ruler/promql/labels_json.hpp"

namespace stackwatch::scrape {
namespace {

using std::chrono::steady_clock;
using std::chrono::system_clock;

// The series every scrape reports about itself, in the order report() writes their values.
constexpr std::string_view kReportSeries[] = {
    "up", "scrape_duration_seconds", "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling", "scrape_series_added"};

std::vector<promql::Labels> report_labels(const Target& target) {
    std::vector<promql::Labels> out;
    for (auto name : kReportSeries) {
        promql::Labels labels = target.labels;
        labels.set(promql::kMetricName, std::string(name));
        out.push_back(std::move(labels));
    }
    return out;
}

promql::Timestamp to_millis(system_clock::time_point tp) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count();
}

}  // namespace

nlohmann::json TargetStatus::to_json() const {
    const std::string url = redact(target.url);
    return {
        {"discoveredLabels", labels_json(target.discovered_labels)},
        {"labels", labels_json(target.labels)},
        {"scrapePool", target.config->job_name},
        {"scrapeUrl", url},
        {"globalUrl", url},
        {"lastError", last_error},
        // Go's zero time.Time, which Prometheus shows for a target not scraped yet.
        {"lastScrape", last_scrape ? iso8601_utc_ms(*last_scrape) : "0001-01-01T00:00:00Z"},
        {"lastScrapeDuration", last_scrape_duration},
        {"health", health},
        {"scrapeInterval", format_duration(target.config->scrape_interval)},
        {"scrapeTimeout", format_duration(target.config->scrape_timeout)},
    };
}

ScrapeLoop::ScrapeLoop(Target target, storage::MemoryStore& store)
    : target_(std::move(target)),
      report_labels_(report_labels(target_)),
      store_(store),
      cache_(AppendOptions{target_.labels, target_.config->honor_labels,
                           target_.config->honor_timestamps, target_.config->sample_limit}),
      status_{target_} {}

ScrapeLoop::~ScrapeLoop() {
    stop(false);
}

void ScrapeLoop::start() {
    thread_ = std::thread([this] { run(); });
}

void ScrapeLoop::request_stop() {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
}

void ScrapeLoop::stop(bool mark_stale) {
    request_stop();
    if (!thread_.joinable()) return;
    thread_.join();
    if (!mark_stale) return;
    // After the last scrape even when it ended within the same millisecond: the store keeps
    // one sample per timestamp.
    const promql::Timestamp at = std::max(to_millis(system_clock::now()), last_report_ + 1);
    cache_.mark_stale(at, store_);
    mark_report_stale(at);
}

TargetStatus ScrapeLoop::status() const {
    std::lock_guard lock(status_mutex_);
    return status_;
}

void ScrapeLoop::run() {
    const auto interval = target_.config->scrape_interval;
    std::unique_lock lock(mutex_);
    auto next = steady_clock::now() + first_scrape_delay(target_, system_clock::now());
    while (!wake_.wait_until(lock, next, [this] { return stopping_; })) {
        lock.unlock();
        scrape();
        lock.lock();
        next += interval;
        // A scrape that overran its interval skips the slots it missed instead of bunching up.
        if (auto now = steady_clock::now(); next <= now)
            next += ((now - next) / interval + 1) * interval;
    }
}

void ScrapeLoop::scrape() {
    const auto wall = system_clock::now();
    const auto started = steady_clock::now();
    const promql::Timestamp t = to_millis(wall);
    Fetched fetched = fetch();
    const double seconds = std::chrono::duration<double>(steady_clock::now() - started).count();

    AppendResult appended;
    if (fetched.error.empty()) {
        appended =
            cache_.append(fetched.body, format_from_content_type(fetched.content_type), t, store_);
    } else {
        cache_.mark_stale(t, store_);
    }
    const std::string& error = fetched.error.empty() ? appended.error : fetched.error;
    report(t, error.empty(), seconds, appended);
    if (!error.empty()) {
        log::debug(
            "scrape failed",
            {{"job", target_.config->job_name}, {"url", redact(target_.url)}, {"error", error}});
        report_failure(
            {.fingerprint = fetched.error.empty() ? "external:scrape:invalid"
                                                  : http_failure_fingerprint(fetched.status, error),
             .type = "ScrapeError",
             .message = error,
             .context = {{"job", target_.config->job_name}, {"url", redact(target_.url)}}});
    }

    std::lock_guard lock(status_mutex_);
    status_.health = error.empty() ? "up" : "down";
    status_.last_error = error;
    status_.last_scrape = wall;
    status_.last_scrape_duration = seconds;
}

ScrapeLoop::Fetched ScrapeLoop::fetch() const {
    const ScrapeConfig& config = *target_.config;
    http::ClientRequest request;
    request.url = target_.url;
    request.timeout = config.scrape_timeout;
    request.accept_gzip = true;
    request.headers = {
        {"Accept", std::string(kScrapeAcceptHeader)},
        {"User-Agent", std::string("stackwatch/") + kVersion},
        {"X-Prometheus-Scrape-Timeout-Seconds",
         promql::format_float(std::chrono::duration<double>(config.scrape_timeout).count())},
    };
    Fetched fetched;
    try {
        config.auth.apply(request);
    } catch (const std::runtime_error& e) {
        fetched.error = e.what();
        return fetched;
    }
    http::ClientResponse response = http::perform(request);
    fetched.status = response.status;
    if (!response.error.empty()) {
        fetched.error = response.error;
    } else if (response.status != 200) {
        fetched.error = "server returned HTTP status " + std::to_string(response.status);
    } else {
        fetched.body = std::move(response.body);
        fetched.content_type = response.headers["content-type"];
    }
    return fetched;
}

void ScrapeLoop::report(promql::Timestamp t, bool up, double seconds,
                        const AppendResult& appended) {
    const double values[] = {up ? 1.0 : 0.0, seconds, static_cast<double>(appended.scraped),
                             static_cast<double>(appended.scraped),
                             static_cast<double>(appended.series_added)};
    for (std::size_t i = 0; i < report_labels_.size(); ++i)
        store_.append(report_labels_[i], t, values[i]);
    last_report_ = t;
}

void ScrapeLoop::mark_report_stale(promql::Timestamp t) {
    if (last_report_ == 0) return;
    for (const auto& labels : report_labels_) store_.append(labels, t, promql::stale_marker());
}

}  // namespace stackwatch::scrape
