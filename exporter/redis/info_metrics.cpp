#include "exporter/redis/info_metrics.hpp"

#include <cctype>
#include <cmath>
#include <optional>
#include <set>
#include <vector>

#include "exporter/redis/info_fields.hpp"
#include "exporter/redis/number_text.hpp"

namespace stackwatch::exporter::redis {
namespace {

const std::string kPrefix = "redis_";

// INFO reports some states as words; redis_exporter maps them to 1 and 0.
std::optional<double> field_value(std::string_view text) {
    if (text == "ok" || text == "true") return 1.0;
    if (text == "err" || text == "fail" || text == "false") return 0.0;
    return parse_number(text);
}

template <typename Fn>
void for_each_line(std::string_view info, Fn&& fn) {
    std::string_view section;
    while (!info.empty()) {
        auto newline = info.find('\n');
        auto line = info.substr(0, newline);
        info = newline == std::string_view::npos ? std::string_view() : info.substr(newline + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
        if (line.starts_with("# ")) {
            section = line.substr(2);
            continue;
        }
        auto colon = line.find(':');
        if (line.size() < 2 || colon == std::string_view::npos) continue;
        fn(section, line.substr(0, colon), line.substr(colon + 1));
    }
}

// "calls=21,usec=175,usec_per_call=8.33" -> the text after "key=".
std::optional<std::string_view> attribute_text(std::string_view list, std::string_view key) {
    while (!list.empty()) {
        auto comma = list.find(',');
        auto item = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        auto equals = item.find('=');
        if (equals != std::string_view::npos && item.substr(0, equals) == key)
            return item.substr(equals + 1);
    }
    return std::nullopt;
}

std::optional<double> attribute(std::string_view list, std::string_view key) {
    auto text = attribute_text(list, key);
    return text ? parse_number(*text) : std::nullopt;
}

// "master_<suffix>" or, for KeyDB's multi-master replicas, "master_<n>_<suffix>".
bool is_master_field(std::string_view key, std::string_view suffix) {
    if (!key.starts_with("master_") || !key.ends_with(suffix)) return false;
    auto middle = key.substr(7, key.size() - 7 - suffix.size());
    return middle.empty() || (middle.size() > 1 && middle.back() == '_' &&
                              middle.substr(0, middle.size() - 1).find_first_not_of("0123456789") ==
                                  std::string_view::npos);
}

std::string sanitize(std::string_view name) {
    std::string out(name);
    for (auto& c : out)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
    return out;
}

struct CommandStats {
    double calls = 0;
    double usec = 0;
};

class InfoEmitter {
  public:
    InfoEmitter(const InfoMetricsInput& input, MetricSet& out) : input_(input), out_(out) {}

    InfoSummary run() {
        for_each_line(input_.info, [this](std::string_view section, std::string_view key,
                                          std::string_view value) { line(section, key, value); });
        latency_summaries();
        empty_databases();
        instance_info();
        return std::move(summary_);
    }

  private:
    // The name is put together in a buffer kept across the ~200 fields of a scrape.
    template <typename LabelsLike = LabelList>
    void gauge(std::string_view suffix, std::string_view help, double value,
               const LabelsLike& labels = {}) {
        out_.gauge(prefixed(suffix), help, value, labels);
    }
    template <typename LabelsLike = LabelList>
    void counter(std::string_view suffix, std::string_view help, double value,
                 const LabelsLike& labels = {}) {
        out_.counter(prefixed(suffix), help, value, labels);
    }
    std::string_view prefixed(std::string_view suffix) {
        return name_.assign(kPrefix).append(suffix);
    }

    void line(std::string_view section, std::string_view key, std::string_view value) {
        fields_.emplace(key, value);
        if (is_master_field(key, "host")) master_host_ = value;
        if (is_master_field(key, "port")) master_port_ = value;
        if (section == "Replication" && replication(key, value)) return;
        if (section == "Server") server(key, value);
        if (section == "Commandstats") return command_stats(key, value);
        if (section == "Latencystats") return latency_stats(key, value);
        if (section == "Errorstats") return error_stats(key, value);
        if (section == "Keyspace" && keyspace(key, value)) return;
        if (section == "Sentinel") return;
        plain_field(key, value);
    }

    void plain_field(std::string_view key, std::string_view value) {
        const InfoField* field = find_info_field(key);
        // redis_exporter also passes every cluster_* and db* field through under its own name.
        if (field == nullptr && !key.starts_with("cluster_") && !key.starts_with("db")) return;
        auto number = field_value(value);
        if (!number) return;
        std::string_view name = field ? field->metric : std::string_view(unlisted_ = sanitize(key));
        if (name == "latest_fork_usec") {
            name = "latest_fork_seconds";
            *number /= 1e6;
        }
        help_.assign(name).append(" metric");
        if (field && field->counter)
            counter(name, help_, *number);
        else
            gauge(name, help_, *number);
    }

    void server(std::string_view key, std::string_view value) {
        auto number = parse_number(value);
        if (!number) return;
        if (key == "uptime_in_seconds")
            gauge("start_time_seconds",
                  "Start time of the Redis instance since unix epoch in seconds.",
                  std::floor(input_.now_seconds) - *number);
        if (key == "hz" || key == "configured_hz")
            gauge(key, help_.assign(key).append(" metric"), *number);
    }

    bool replication(std::string_view key, std::string_view value) {
        auto master = [&] {
            return Labels{{"master_host", master_host_}, {"master_port", master_port_}};
        };
        if (is_master_field(key, "link_status")) {
            gauge("master_link_up", "Master link status on Redis slave", value == "up" ? 1 : 0,
                  master());
            return true;
        }
        if (is_master_field(key, "last_io_seconds_ago")) {
            gauge("master_last_io_seconds_ago", "Master last io seconds ago",
                  parse_number(value).value_or(0), master());
            return true;
        }
        if (is_master_field(key, "sync_in_progress")) {
            gauge("master_sync_in_progress", "Master sync in progress",
                  parse_number(value).value_or(0), master());
            return true;
        }
        if (key == "slave_repl_offset") {
            gauge("slave_repl_offset", "Slave replication offset", parse_number(value).value_or(0),
                  master());
            return true;
        }
        // slave0:ip=10.0.0.1,port=6379,state=online,offset=1751844676,lag=0
        if (key.starts_with("slave") && key.size() > 5 &&
            key.find_first_not_of("0123456789", 5) == std::string_view::npos) {
            auto offset = attribute(value, "offset");
            if (!offset) return false;
            auto text = [&](std::string_view name) {
                return std::string(attribute_text(value, name).value_or(""));
            };
            Labels slave{{"slave_ip", text("ip")},
                         {"slave_port", text("port")},
                         {"slave_state", text("state")}};
            gauge("connected_slave_offset_bytes", "Offset of connected slave", *offset, slave);
            if (auto lag = attribute(value, "lag"))
                gauge("connected_slave_lag_seconds", "Lag of connected slave", *lag, slave);
            return true;
        }
        return false;
    }

    // cmdstat_set:calls=61,usec=3139,usec_per_call=51.46,rejected_calls=0,failed_calls=0
    void command_stats(std::string_view key, std::string_view value) {
        if (!key.starts_with("cmdstat_")) return;
        std::string cmd(key.substr(8));
        auto calls = attribute(value, "calls");
        auto usec = attribute(value, "usec");
        if (!calls || !usec) return;
        LabelList labels{{"cmd", cmd}};
        counter("commands_total", "Total number of calls per command", *calls, labels);
        counter("commands_duration_seconds_total",
                "Total amount of time in seconds spent per command", *usec / 1e6, labels);
        auto rejected = attribute(value, "rejected_calls");
        auto failed = attribute(value, "failed_calls");
        if (rejected && failed) {  // Redis 6.2 and later
            counter("commands_rejected_calls_total",
                    "Total number of errors within command execution per command", *rejected,
                    labels);
            counter("commands_failed_calls_total",
                    "Total number of errors prior command execution per command", *failed, labels);
        }
        commands_[cmd] = {*calls, *usec};
        summary_.command_usec[cmd] += *usec;
        if (auto bar = cmd.find('|'); bar != std::string::npos)
            summary_.command_usec[cmd.substr(0, bar)] += *usec;
    }

    // latency_percentiles_usec_set:p50=4.015,p99=12.031,p99.9=12.031
    void latency_stats(std::string_view key, std::string_view value) {
        constexpr std::string_view prefix = "latency_percentiles_usec_";
        if (!key.starts_with(prefix)) return;
        std::vector<std::pair<double, double>> quantiles;
        while (!value.empty()) {
            auto comma = value.find(',');
            auto item = value.substr(0, comma);
            value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
            auto equals = item.find('=');
            if (equals == std::string_view::npos || equals < 2 || item.front() != 'p') return;
            auto percentile = parse_number(item.substr(1, equals - 1));
            auto usec = parse_number(item.substr(equals + 1));
            if (!percentile || !usec) return;
            // Quantile labels stay percentiles ("99.9"), as redis_exporter writes them.
            quantiles.emplace_back(*percentile, *usec);
        }
        percentiles_[std::string(key.substr(prefix.size()))] = std::move(quantiles);
    }

    void latency_summaries() {
        for (const auto& [cmd, quantiles] : percentiles_) {
            auto stats = commands_.find(cmd);
            if (stats == commands_.end()) continue;
            out_.summary(kPrefix + "latency_percentiles_usec",
                         "A summary of latency percentile distribution per command", quantiles,
                         stats->second.usec, static_cast<std::uint64_t>(stats->second.calls),
                         {{"cmd", cmd}});
        }
    }

    void error_stats(std::string_view key, std::string_view value) {
        if (!key.starts_with("errorstat_")) return;
        if (auto count = attribute(value, "count"))
            counter("errors_total", "Total number of errors per error type", *count,
                    {{"err", key.substr(10)}});
    }

    // db0:keys=51,expires=1,avg_ttl=0
    bool keyspace(std::string_view key, std::string_view value) {
        if (!key.starts_with("db")) return false;
        auto keys = attribute(value, "keys");
        auto expires = attribute(value, "expires");
        if (!keys || !expires) return false;
        LabelList db{{"db", key}};
        gauge("db_keys", "Total number of keys by DB", *keys, db);
        gauge("db_keys_expiring", "Total number of expiring keys by DB", *expires, db);
        if (auto cached = attribute(value, "cached_keys"))
            gauge("db_keys_cached", "Total number of cached keys by DB", *cached, db);
        if (auto ttl = attribute(value, "avg_ttl"))
            gauge("db_avg_ttl_seconds", "Avg TTL in seconds", *ttl / 1000, db);
        databases_seen_.emplace(key);
        return true;
    }

    // Like redis_exporter, databases without keys still report 0 so their series do not vanish.
    void empty_databases() {
        int count = field("cluster_enabled") == "1" ? 1 : input_.database_count;
        for (int i = 0; i < count; ++i) {
            std::string db = "db" + std::to_string(i);
            if (databases_seen_.count(db)) continue;
            gauge("db_keys", "Total number of keys by DB", 0, {{"db", db}});
            gauge("db_keys_expiring", "Total number of expiring keys by DB", 0, {{"db", db}});
        }
    }

    void instance_info() {
        summary_.role = field("role");
        Labels labels;
        for (const char* name :
             {"role", "redis_version", "redis_build_id", "redis_mode", "os", "maxmemory_policy",
              "tcp_port", "run_id", "process_id", "master_replid"})
            labels.emplace_back(name, field(name));
        gauge("instance_info", "Information about the Redis instance", 1, labels);
        if (summary_.role == "slave")
            gauge("slave_info", "Information about the Redis slave", 1,
                  {{"master_host", field("master_host")},
                   {"master_port", field("master_port")},
                   {"read_only", field("slave_read_only")}});
    }

    std::string field(std::string_view key) const {
        auto it = fields_.find(key);
        return it == fields_.end() ? "" : std::string(it->second);
    }

    const InfoMetricsInput& input_;
    MetricSet& out_;
    InfoSummary summary_;
    std::unordered_map<std::string_view, std::string_view> fields_;  // views into input_.info
    std::string master_host_;
    std::string master_port_;
    std::unordered_map<std::string, CommandStats> commands_;
    std::unordered_map<std::string, std::vector<std::pair<double, double>>> percentiles_;
    std::set<std::string> databases_seen_;
    std::string name_;
    std::string help_;
    std::string unlisted_;
};

}  // namespace

InfoFields parse_info_fields(std::string_view info) {
    InfoFields fields;
    for_each_line(info, [&](std::string_view, std::string_view key, std::string_view value) {
        fields.emplace(std::string(key), std::string(value));
    });
    return fields;
}

InfoSummary emit_info_metrics(const InfoMetricsInput& input, MetricSet& out) {
    return InfoEmitter(input, out).run();
}

}  // namespace stackwatch::exporter::redis
