#include "exporter/health/health_service.hpp"

#include "common/process_report.hpp"


#include <cmath>

#include "common/time_format.hpp"
#include "exporter/health/external_checks.hpp"
#include "exporter/health/system_checks.hpp"
#include "exporter/latency.hpp"
#include "exporter/process/self_process.hpp"

namespace stackwatch::exporter::health {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// A single check's weight on the overall status: required and down makes the whole service down.
void fold_status(std::string& overall, const std::string& status, bool required) {
    if (status == "ok") return;
    if (status == "down" && required) {
        overall = "down";
    } else if (overall == "ok") {
        overall = "degraded";
    }
}

std::string status_of(const nlohmann::json& check) {
    return check.value("status", "down");
}

}  // namespace

HealthService::HealthService(HealthConfig config, std::shared_ptr<Collection> collection)
    : config_(std::move(config)),
      collection_(std::move(collection)),
      registry_(std::make_shared<prometheus::Registry>()),
      up_(prometheus::BuildGauge()
              .Name("stackwatch_health_check_up")
              .Help("Whether the health check passed at its last evaluation (1 ok or degraded, 0 "
                    "down).")
              .Register(*registry_)),
      duration_(prometheus::BuildHistogram()
                    .Name("stackwatch_health_check_duration_seconds")
                    .Help("Time a health check took.")
                    .Register(*registry_)) {}

HealthService::~HealthService() {
    {
        std::lock_guard lock(refresh_mutex_);
        stopping_ = true;
    }
    refresh_wake_.notify_all();
    if (refresher_.joinable()) refresher_.join();
}

void HealthService::start_background_refresh() {
    if (config_.refresh_interval.count() <= 0 || refresher_.joinable()) return;
    refresher_ = std::thread([this] {
        std::unique_lock lock(refresh_mutex_);
        while (!stopping_) {
            lock.unlock();
            report();
            lock.lock();
            refresh_wake_.wait_for(lock, config_.refresh_interval, [this] { return stopping_; });
        }
    });
}

void HealthService::record(const std::string& check, const std::string& status, double seconds) {
    up_.Add({{"check", check}}).Set(status == "down" ? 0 : 1);
    duration_.Add({{"check", check}}, LatencyHistograms::buckets()).Observe(seconds);
}

std::shared_ptr<const Report> HealthService::report() {
    std::shared_future<std::shared_ptr<const Report>> shared;
    std::shared_ptr<std::promise<std::shared_ptr<const Report>>> mine;
    {
        std::lock_guard lock(mutex_);
        if (cached_ && Clock::now() - cached_->at < config_.cache_for) return cached_;
        if (!evaluating_) {
            evaluating_ = true;
            mine = std::make_shared<std::promise<std::shared_ptr<const Report>>>();
            in_flight_ = mine->get_future().share();
        }
        shared = in_flight_;
    }
    if (mine) {
        auto fresh = evaluate();
        {
            std::lock_guard lock(mutex_);
            cached_ = fresh;
            evaluating_ = false;
        }
        mine->set_value(fresh);
        return fresh;
    }
    return shared.get();
}

std::shared_ptr<const Report> HealthService::evaluate() {
    auto started = Clock::now();
    Deadline deadline{started + config_.timeout};
    auto report = std::make_shared<Report>();
    std::string overall = "ok";
    nlohmann::json failing = nlohmann::json::array();

    struct TimedCheck {
        nlohmann::json result;
        double seconds;
    };
    auto timed = [](auto&& f) {
        return [f = std::forward<decltype(f)>(f)]() {
            auto start = Clock::now();
            nlohmann::json result = f();
            return TimedCheck{std::move(result), seconds_since(start)};
        };
    };

    std::vector<std::future<TimedCheck>> targets;
    for (const auto& slot : collection_->slots())
        targets.push_back(std::async(std::launch::async,
                                     timed([slot, deadline] { return slot->health(deadline); })));
    auto memory = std::async(std::launch::async, timed([this] { return check_memory(config_); }));
    std::vector<std::future<TimedCheck>> disks;
    for (const auto& disk : config_.disks)
        disks.push_back(std::async(std::launch::async, timed([disk] { return check_disk(disk); })));
    std::vector<std::future<TimedCheck>> externals;
    for (const auto& check : config_.external)
        externals.push_back(std::async(std::launch::async, timed([check, deadline] {
                                           return check_external(check, deadline.remaining());
                                       })));

    // Every check counts the same way: towards the overall status, the readiness failures (when
    // required and down) and the health metrics.
    auto account = [&](const std::string& check, const nlohmann::json& result, bool required,
                       double seconds) {
        fold_status(overall, status_of(result), required);
        if (required && status_of(result) == "down")
            failing.push_back({{"check", check}, {"error", result.value("error", "down")}});
        record(check, status_of(result), seconds);
    };

    nlohmann::json checks = {{"database", nlohmann::json::object()},
                             {"redis", nlohmann::json::object()}};
    const auto& slots = collection_->slots();
    for (size_t i = 0; i < slots.size(); ++i) {
        auto [result, seconds] = targets[i].get();
        auto& target = slots[i]->target();
        std::string group = target.kind() == "postgres" ? "database" : target.kind();
        // Thresholds turn a reachable but slow or crowded dependency into "degraded".
        if (status_of(result) == "ok") {
            double limit =
                group == "database" ? config_.database_latency_ms : config_.redis_latency_ms;
            if (result.value("latency_ms", 0.0) > limit) {
                result["status"] = "degraded";
                result["reason"] =
                    "latency above " + std::to_string(static_cast<int>(limit)) + " ms";
            }
            if (result.contains("connections") && result["connections"].value("max", 0.0) > 0 &&
                result["connections"].value("in_use", 0.0) /
                        result["connections"].value("max", 1.0) >
                    config_.connections_ratio) {
                result["status"] = "degraded";
                result["reason"] = "connections in use above " +
                                   std::to_string(config_.connections_ratio) + " of max";
            }
        }
        bool required = !config_.optional_targets.count(target.name());
        result["required"] = required;
        account(group + ":" + target.name(), result, required, seconds);
        checks[group][target.name()] = std::move(result);
    }
    {
        auto [result, seconds] = memory.get();
        account("memory", result, false, seconds);
        checks["memory"] = std::move(result);
    }
    checks["disk"] = nlohmann::json::array();
    for (size_t i = 0; i < disks.size(); ++i) {
        auto [result, seconds] = disks[i].get();
        const auto& disk = config_.disks[i];
        account("disk:" + disk.path, result, disk.required, seconds);
        checks["disk"].push_back(std::move(result));
    }
    checks["external"] = nlohmann::json::array();
    for (size_t i = 0; i < externals.size(); ++i) {
        auto [result, seconds] = externals[i].get();
        const auto& check = config_.external[i];
        account("external:" + check.name, result, check.required, seconds);
        checks["external"].push_back(std::move(result));
    }

    report->status = overall;
    report->ready = failing.empty();
    report->failing = failing;
    report->detailed = {{"status", overall},
                        {"timestamp", iso8601_utc_ms(std::chrono::system_clock::now())},
                        {"duration_ms", std::round(seconds_since(started) * 1e6) / 1e3},
                        {"checks", std::move(checks)}};
    report->at = Clock::now();
    return report;
}

void HealthService::collect_into(MetricSet& out) const {
    out.merge(registry_->Collect());
}

void HealthService::register_routes(http::Server& server,
                                    std::shared_ptr<const http::Authenticator> token) {
    server.route("GET", "/health", [](const http::Request&) {
        return http::Response::json(
            {{"status", "ok"}, {"timestamp", iso8601_utc_ms(std::chrono::system_clock::now())}});
    });
    // Liveness answers from the server loop alone: no dependency can make it fail.
    server.route("GET", "/health/live", [](const http::Request&) {
        return http::Response::json(
            {{"status", "ok"}, {"timestamp", iso8601_utc_ms(std::chrono::system_clock::now())}});
    });
    server.route("GET", "/health/ready", [this](const http::Request&) {
        auto current = report();
        nlohmann::json body = {{"status", current->ready ? "ready" : "not_ready"},
                               {"timestamp", iso8601_utc_ms(std::chrono::system_clock::now())}};
        if (!current->ready) body["failing"] = current->failing;
        return http::Response::json(body, current->ready ? 200 : 503);
    });
    server.route("GET", "/health/detailed",
                 [this](const http::Request&) { return http::Response::json(report()->detailed); },
                 {.auth = token});
    server.route("GET", "/monitoring/metrics",
                 [](const http::Request&) { return http::Response::json(stackwatch::process::process_report()); },
                 {.auth = token});
}

}  // namespace stackwatch::exporter::health
