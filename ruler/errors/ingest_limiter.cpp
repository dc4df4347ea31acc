#include "ruler/errors/ingest_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace stackwatch::errors {
namespace {

// Callers come and go (addresses, rotated tokens): past this many buckets the full ones, which
// say nothing a new bucket would not, are dropped.
constexpr std::size_t kMaxBuckets = 10'000;

std::string format_rate(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

}  // namespace

void IngestLimiter::set_rate(IngestRate rate) {
    std::lock_guard lock(mutex_);
    rate_ = rate;
}

std::optional<IngestLimiter::Refusal> IngestLimiter::take(const std::string& caller,
                                                          std::size_t events,
                                                          Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (rate_.events_per_second <= 0) return std::nullopt;
    const double wanted = static_cast<double>(events);
    if (wanted > rate_.burst)
        return Refusal{std::nullopt, "a batch of " + std::to_string(events) +
                                         " errors is larger than error_tracking.ingest_burst (" +
                                         format_rate(rate_.burst) + "); send smaller batches"};
    if (buckets_.size() >= kMaxBuckets && !buckets_.contains(caller)) forget_full_buckets(now);
    auto [it, fresh] = buckets_.try_emplace(caller, Bucket{rate_.burst, now});
    Bucket& bucket = it->second;
    if (!fresh) {
        double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
        bucket.tokens = std::min(rate_.burst, bucket.tokens + elapsed * rate_.events_per_second);
        bucket.updated = now;
    }
    if (bucket.tokens >= wanted) {
        bucket.tokens -= wanted;
        return std::nullopt;
    }
    double wait = (wanted - bucket.tokens) / rate_.events_per_second;
    return Refusal{std::chrono::seconds(static_cast<long>(std::ceil(wait))),
                   caller + " sends errors faster than error_tracking.ingest_rate (" +
                       format_rate(rate_.events_per_second) + "/s, burst " +
                       format_rate(rate_.burst) + ")"};
}

std::size_t IngestLimiter::callers() const {
    std::lock_guard lock(mutex_);
    return buckets_.size();
}

void IngestLimiter::forget_full_buckets(Clock::time_point now) {
    std::erase_if(buckets_, [&](const auto& entry) {
        double elapsed = std::chrono::duration<double>(now - entry.second.updated).count();
        return entry.second.tokens + elapsed * rate_.events_per_second >= rate_.burst;
    });
}

}  // namespace stackwatch::errors
