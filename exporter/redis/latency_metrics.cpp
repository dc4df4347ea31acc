#include "exporter/redis/latency_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "exporter/redis/redis_connection.hpp"

namespace stackwatch::exporter::redis {
namespace {

// Redis records latencies in nanoseconds in an HDR histogram and reports power-of-two buckets,
// 2^10 ns to 2^30 ns, in whole microseconds (2048 ns shows as 2, 2^18 ns as 264 after HDR's
// rounding). The fixed layout uses the underlying powers of two, so every Redis bucket lands on
// exactly one power and the series stay the same from scrape to scrape. Every second power is
// exported (1 µs, 4 µs, 16 µs, ... 1.07 s): each bound's count is still exact, and the family
// stays half as long, which matters because it repeats for every command the server has seen.
constexpr int kFirstPower = 10;
constexpr int kLastPower = 30;
constexpr int kPowerStep = 2;

int power_of_two_bucket(long long usec) {
    if (usec <= 0) return kFirstPower;
    int power = static_cast<int>(std::lround(std::log2(static_cast<double>(usec) * 1000.0)));
    return std::clamp(power, kFirstPower, kLastPower);
}

struct CommandHistogram {
    std::string cmd;
    std::uint64_t calls = 0;
    std::vector<std::pair<long long, std::uint64_t>> buckets;  // usec bound, cumulative count
};

// RESP2 flattens each command's map: [name, ["calls", n, "histogram_usec", [bound, count, ...]]].
std::vector<CommandHistogram> parse_histograms(const redisReply& reply) {
    std::vector<CommandHistogram> out;
    if (reply.type != REDIS_REPLY_ARRAY) return out;
    for (std::size_t i = 0; i + 1 < reply.elements; i += 2) {
        const redisReply& details = *reply.element[i + 1];
        if (details.type != REDIS_REPLY_ARRAY) continue;
        CommandHistogram histogram{reply_string(*reply.element[i])};
        for (std::size_t j = 0; j + 1 < details.elements; j += 2) {
            auto key = reply_string(*details.element[j]);
            const redisReply& value = *details.element[j + 1];
            if (key == "calls" && value.type == REDIS_REPLY_INTEGER)
                histogram.calls = value.integer;
            if (key != "histogram_usec" || value.type != REDIS_REPLY_ARRAY) continue;
            for (std::size_t k = 0; k + 1 < value.elements; k += 2)
                histogram.buckets.emplace_back(
                    value.element[k]->integer,
                    static_cast<std::uint64_t>(value.element[k + 1]->integer));
        }
        out.push_back(std::move(histogram));
    }
    return out;
}

std::vector<MetricSet::Bucket> fixed_layout(const CommandHistogram& histogram) {
    std::vector<MetricSet::Bucket> buckets;
    std::size_t next = 0;
    std::uint64_t cumulative = 0;
    for (int power = kFirstPower; power <= kLastPower; power += kPowerStep) {
        while (next < histogram.buckets.size() &&
               power_of_two_bucket(histogram.buckets[next].first) <= power)
            cumulative = histogram.buckets[next++].second;
        buckets.push_back({std::ldexp(1e-9, power), cumulative});
    }
    return buckets;
}

}  // namespace

void emit_latency_histograms(const redisReply& reply, const InfoSummary& info, MetricSet& out) {
    for (const auto& histogram : parse_histograms(reply)) {
        auto usec = info.command_usec.find(histogram.cmd);
        double sum_usec = usec == info.command_usec.end() ? 0 : usec->second;
        Labels labels{{"cmd", histogram.cmd}};
        std::vector<MetricSet::Bucket> native;
        for (const auto& [bound, count] : histogram.buckets)
            native.push_back({static_cast<double>(bound), count});
        out.histogram("redis_commands_latencies_usec", "A histogram of latencies per command",
                      native, sum_usec, histogram.calls, labels);
        out.histogram(
            "stackwatch_redis_command_latency_seconds",
            "Latency of Redis commands as the server measured them, from LATENCY HISTOGRAM.",
            fixed_layout(histogram), sum_usec / 1e6, histogram.calls, labels);
    }
}

// Each entry: [event_name, last_unix_time, last_duration_ms, max_duration_ms].
void emit_latency_spikes(const redisReply& reply, MetricSet& out) {
    if (reply.type != REDIS_REPLY_ARRAY) return;
    for (std::size_t i = 0; i < reply.elements; ++i) {
        const redisReply& event = *reply.element[i];
        if (event.type != REDIS_REPLY_ARRAY || event.elements < 3) continue;
        Labels labels{{"event_name", reply_string(*event.element[0])}};
        out.gauge("redis_latency_spike_last", "When the latency spike last occurred",
                  static_cast<double>(event.element[1]->integer), labels);
        out.gauge("redis_latency_spike_duration_seconds",
                  "Length of the last latency spike in seconds",
                  static_cast<double>(event.element[2]->integer) / 1e3, labels);
    }
}

}  // namespace stackwatch::exporter::redis
