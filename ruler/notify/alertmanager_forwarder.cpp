#include "ruler/notify/alertmanager_forwarder.hpp"

#include <nlohmann/json.hpp>

#include "common/logging.hpp"
#include "common/thread_name.hpp"
#include "common/time_format.hpp"
#include "ruler/notify/http_delivery.hpp"

namespace stackwatch::notify {
namespace {

std::string join_path(std::string prefix, const std::string& path) {
    while (prefix.ends_with('/')) prefix.pop_back();
    if (!prefix.empty() && !prefix.starts_with('/')) prefix = "/" + prefix;
    return prefix + path;
}

// Prometheus's alertsToOpenAPIAlerts.
std::string batch_json(const std::vector<Alert>& batch) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& a : batch) {
        nlohmann::json labels = nlohmann::json::object();
        for (const auto& l : a.labels) labels[l.name] = l.value;
        nlohmann::json alert = {{"labels", labels},
                                {"annotations", a.annotations},
                                {"startsAt", rfc3339_nano(a.starts_at)},
                                {"generatorURL", a.generator_url}};
        if (a.ends_at) alert["endsAt"] = rfc3339_nano(*a.ends_at);
        out.push_back(std::move(alert));
    }
    return out.dump();
}

}  // namespace

std::vector<AlertmanagerTarget> parse_alerting(const ConfigNode& alerting) {
    std::vector<AlertmanagerTarget> targets;
    if (!alerting.defined()) return targets;
    alerting.allow_keys({"alertmanagers", "alert_relabel_configs"});
    if (!alerting["alert_relabel_configs"].items().empty())
        alerting["alert_relabel_configs"].fail("relabelling alerts is not supported by stackwatch");
    for (const auto& am : alerting["alertmanagers"].items()) {
        am.allow_keys({"static_configs", "scheme", "path_prefix", "api_version", "timeout",
                       "basic_auth", "authorization", "bearer_token", "bearer_token_file",
                       "tls_config", "proxy_url", "follow_redirects", "enable_http2"});
        auto version = am.get_string("api_version", "v2");
        if (version != "v2")
            am["api_version"].fail(
                "only api_version v2 is supported (Alertmanager 0.16 and later)");
        auto scheme = am.get_string("scheme", "http");
        if (scheme != "http" && scheme != "https") am["scheme"].fail("must be http or https");
        auto timeout = am.get_duration("timeout", std::chrono::seconds(10));
        auto path = join_path(am.get_string("path_prefix", ""), "/api/v2/alerts");
        // The HTTP client keys sit beside static_configs, as in Prometheus.
        auto http_config = parse_http_client_keys(am);
        for (const auto& group : am["static_configs"].items()) {
            group.allow_keys({"targets", "labels"});
            for (const auto& target : group["targets"].items())
                targets.push_back(
                    {scheme + "://" + target.as_string() + path, http_config, timeout});
        }
    }
    return targets;
}

AlertmanagerForwarder::AlertmanagerForwarder(std::vector<AlertmanagerTarget> targets,
                                             prometheus::Registry& registry)
    : sent_(prometheus::BuildCounter()
                .Name("prometheus_notifications_sent_total")
                .Help("Total number of alerts sent.")
                .Register(registry)),
      errors_(prometheus::BuildCounter()
                  .Name("prometheus_notifications_errors_total")
                  .Help("Total number of errors sending alert notifications.")
                  .Register(registry)),
      dropped_(
          prometheus::BuildCounter()
              .Name("prometheus_notifications_dropped_total")
              .Help("Total number of alerts dropped due to errors when sending to Alertmanager.")
              .Register(registry)
              .Add({})),
      queue_length_(prometheus::BuildGauge()
                        .Name("prometheus_notifications_queue_length")
                        .Help("The number of alert notifications in the queue.")
                        .Register(registry)
                        .Add({})),
      targets_(std::move(targets)),
      thread_([this] { run(); }) {}

AlertmanagerForwarder::~AlertmanagerForwarder() {
    stop();
}

void AlertmanagerForwarder::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void AlertmanagerForwarder::set_targets(std::vector<AlertmanagerTarget> targets) {
    std::lock_guard lock(mutex_);
    targets_ = std::move(targets);
}

void AlertmanagerForwarder::send(const std::vector<Alert>& alerts) {
    {
        std::lock_guard lock(mutex_);
        if (targets_.empty()) return;
        for (const auto& a : alerts) queue_.push_back(a);
        // Prometheus keeps the newest: an old firing state is the least useful to resend.
        while (queue_.size() > kQueueCapacity) {
            queue_.pop_front();
            dropped_.Increment();
        }
        queue_length_.Set(static_cast<double>(queue_.size()));
    }
    wake_.notify_all();
}

void AlertmanagerForwarder::post_batch(const std::vector<Alert>& batch,
                                       const std::vector<AlertmanagerTarget>& targets) {
    auto body = batch_json(batch);
    bool any = false;
    for (const auto& target : targets) {
        auto result =
            post({.url = target.url, .body = body, .timeout = target.timeout}, target.http_config);
        if (result.ok) {
            any = true;
            sent_.Add({{"alertmanager", target.url}}).Increment(static_cast<double>(batch.size()));
        } else {
            errors_.Add({{"alertmanager", target.url}}).Increment();
            log::error(
                "error sending alerts to an Alertmanager",
                {{"alertmanager", target.url}, {"count", batch.size()}, {"error", result.error}});
        }
    }
    if (!any) dropped_.Increment(static_cast<double>(batch.size()));
}

void AlertmanagerForwarder::run() {
    name_this_thread("am-forward");
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        std::vector<Alert> batch;
        while (!queue_.empty() && batch.size() < kBatchSize) {
            batch.push_back(std::move(queue_.front()));
            queue_.pop_front();
        }
        queue_length_.Set(static_cast<double>(queue_.size()));
        auto targets = targets_;
        lock.unlock();
        post_batch(batch, targets);
        lock.lock();
    }
}

}  // namespace stackwatch::notify
