#include "exporter/redis/redis_target.hpp"

#include <chrono>

#include "common/failure_report.hpp"
#include "common/logging.hpp"
#include "common/redact.hpp"
#include "exporter/redis/config_metrics.hpp"
#include "exporter/redis/info_metrics.hpp"
#include "exporter/redis/latency_metrics.hpp"
#include "exporter/redis/number_text.hpp"
#include "exporter/redis/slowlog_metrics.hpp"

namespace stackwatch::exporter::redis {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double wall_clock_seconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A reply the scrape cannot do without; its error text is Redis' own ("NOAUTH ...").
const redisReply& require(const Reply& reply, const char* command) {
    if (is_error(*reply))
        throw std::runtime_error(std::string(command) + ": " + reply_string(*reply));
    return *reply;
}

enum ScrapeReply { kInfo, kConfig, kSlowlogLen, kSlowlogGet, kLatencyLatest, kLatencyHistogram };

}  // namespace

RedisTarget::RedisTarget(RedisTargetOptions options)
    : options_(std::move(options)),
      endpoint_(parse_redis_address(options_.address, options_.user, options_.password)) {
    scrape_commands_ = {{"INFO", "ALL"},
                        config_command(),
                        {"SLOWLOG", "LEN"},
                        {"SLOWLOG", "GET", "1"},
                        {"LATENCY", "LATEST"}};
    if (options_.latency_histograms) scrape_commands_.push_back({"LATENCY", "HISTOGRAM"});
}

std::vector<Reply> RedisTarget::run(const std::vector<Command>& commands, Deadline deadline) {
    try {
        return connection_->pipeline(commands, deadline);
    } catch (...) {
        connection_.reset();
        throw;
    }
}

double RedisTarget::ensure_connected(Deadline deadline) {
    if (connection_) return 0;
    auto start = Clock::now();
    connection_ = std::make_unique<RedisConnection>(endpoint_, deadline);
    std::vector<Command> setup;
    if (!endpoint_.password.empty()) {
        Command auth{"AUTH"};
        if (!endpoint_.user.empty()) auth.push_back(endpoint_.user);
        auth.push_back(endpoint_.password);
        setup.push_back(std::move(auth));
    }
    setup.push_back({"CLIENT", "SETNAME", "stackwatch-exporter"});
    auto replies = run(setup, deadline);
    if (!endpoint_.password.empty() && is_error(*replies.front())) {
        connection_.reset();
        throw std::runtime_error("authentication failed: " + reply_string(*replies.front()));
    }
    return seconds_since(start);
}

double RedisTarget::ping(Deadline deadline, LatencyObserver& latency) {
    auto start = Clock::now();
    auto replies = run({{"PING"}}, deadline);
    double seconds = seconds_since(start);
    if (is_error(*replies.front())) {
        connection_.reset();
        throw std::runtime_error("PING: " + reply_string(*replies.front()));
    }
    latency.probe(options_.name, "redis", seconds);
    return seconds;
}

double RedisTarget::connect_and_ping(Deadline deadline, LatencyObserver& latency,
                                     double& connect_seconds) {
    bool reused = connection_ != nullptr;
    connect_seconds = ensure_connected(deadline);
    try {
        return ping(deadline, latency);
    } catch (const RedisDeadlineError&) {
        throw;
    } catch (const RedisIoError&) {
        // A kept connection may have been closed meanwhile (server restart, its idle timeout):
        // one fresh attempt, still within the same deadline.
        if (!reused) throw;
        connect_seconds = ensure_connected(deadline);
        return ping(deadline, latency);
    }
}

void RedisTarget::scrape(MetricSet& out, Deadline deadline, LatencyObserver& latency,
                         double& connect_seconds) {
    double ping_seconds = connect_and_ping(deadline, latency, connect_seconds);
    auto start = Clock::now();
    auto replies = run(scrape_commands_, deadline);
    latency.collector(options_.name, "redis", seconds_since(start));

    MetricSet scraped;
    scraped.gauge("redis_exporter_last_scrape_ping_time_seconds",
                  "exporter_last_scrape_ping_time_seconds metric", ping_seconds);
    auto config = emit_config_metrics(*replies[kConfig], scraped);
    auto info = emit_info_metrics({.info = reply_string(require(replies[kInfo], "INFO ALL")),
                                   .database_count = config.databases > 0 ? config.databases : 16,
                                   .now_seconds = wall_clock_seconds()},
                                  scraped);
    emit_slowlog(*replies[kSlowlogLen], *replies[kSlowlogGet], scraped);
    emit_latency_spikes(*replies[kLatencyLatest], scraped);
    if (options_.latency_histograms)
        emit_latency_histograms(*replies[kLatencyHistogram], info, scraped);
    out.merge(std::move(scraped));
}

void RedisTarget::collect(MetricSet& out, Deadline deadline, LatencyObserver& latency) {
    auto start = Clock::now();
    ++scrapes_;
    double connect_seconds = 0;
    std::string error;
    try {
        scrape(out, deadline, latency, connect_seconds);
    } catch (const std::exception& e) {
        connection_.reset();
        error = describe_failure(e);
        report_failure({.fingerprint = redis_failure_fingerprint(error),
                        .type = "RedisError",
                        .message = error,
                        .context = {{"target", options_.name}, {"address", endpoint_.display()}}});
    }
    note_outcome(error);
    double took = seconds_since(start);
    scrape_seconds_sum_ += took;
    out.gauge("redis_exporter_last_scrape_connect_time_seconds",
              "exporter_last_scrape_connect_time_seconds metric", connect_seconds);
    out.gauge("redis_up", "Information about the Redis instance", error.empty() ? 1 : 0);
    out.gauge("redis_exporter_last_scrape_error", "The last scrape error status.",
              error.empty() ? 0 : 1, {{"err", error}});
    out.gauge("redis_exporter_last_scrape_duration_seconds",
              "exporter_last_scrape_duration_seconds metric", took);
    out.summary("redis_exporter_scrape_duration_seconds", "Durations of scrapes by the exporter",
                {}, scrape_seconds_sum_, scrapes_);
    out.counter("redis_exporter_scrapes_total", "Current total redis scrapes.",
                static_cast<double>(scrapes_));
}

nlohmann::json RedisTarget::health(Deadline deadline, LatencyObserver& latency) {
    nlohmann::json out = {{"status", "down"},
                          {"latency_ms", nullptr},
                          {"used_memory", nullptr},
                          {"maxmemory", nullptr},
                          {"connected_clients", nullptr},
                          {"maxclients", nullptr},
                          {"role", nullptr},
                          {"error", nullptr}};
    try {
        double connect_seconds = 0;
        out["latency_ms"] = connect_and_ping(deadline, latency, connect_seconds) * 1000;
        auto fields =
            parse_info_fields(reply_string(require(run({{"INFO"}}, deadline).front(), "INFO")));
        auto number = [&](const char* key) -> nlohmann::json {
            auto value = parse_number(fields[key]);
            return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
        };
        for (const char* key : {"used_memory", "maxmemory", "connected_clients", "maxclients"})
            out[key] = number(key);
        out["role"] = fields["role"];
        auto near_limit = [&](const char* used, const char* limit) {
            auto u = parse_number(fields[used]), l = parse_number(fields[limit]);
            return u && l && *l > 0 && *u >= 0.9 * *l;
        };
        bool degraded =
            near_limit("used_memory", "maxmemory") || near_limit("connected_clients", "maxclients");
        out["status"] = degraded ? "degraded" : "ok";
    } catch (const std::exception& e) {
        connection_.reset();
        out["error"] = describe_failure(e);
    }
    return out;
}

std::string RedisTarget::describe_failure(const std::exception& error) const {
    std::string text = redact(error.what());
    // Belt and braces: no message may carry the password, whatever produced it.
    const auto& secret = endpoint_.password;
    if (secret.size() >= 4)
        for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
            text.replace(at, secret.size(), "***");
    return text;
}

// Logs when the outcome changes, not on every scrape of a server that stays down.
void RedisTarget::note_outcome(const std::string& error) {
    if (error == last_error_) return;
    log::Context context{{"target", options_.name}, {"address", endpoint_.display()}};
    if (error.empty()) {
        log::info("redis target is reachable again", context);
    } else {
        context["error"] = error;
        log::warn("redis scrape failed", context);
    }
    last_error_ = error;
}

}  // namespace stackwatch::exporter::redis
