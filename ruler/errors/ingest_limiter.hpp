#pragma once
// How fast one caller may send errors: a token bucket per caller (an API token's name, a Sentry
// project's key, or an address), refilled at `rate` events a second up to `burst`. A batch is
// taken whole or not at all, so a refused request stored nothing and may be sent again as it is.
// error_tracking.ingest_rate and ingest_burst in ruler.yml; reloadable.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace stackwatch::errors {

struct IngestRate {
    double events_per_second = 1000;  // 0: no limit
    double burst = 10000;
};

class IngestLimiter {
  public:
    using Clock = std::chrono::steady_clock;

    explicit IngestLimiter(IngestRate rate = {}) : rate_(rate) {}
    void set_rate(IngestRate rate);
    // Takes `events` from the caller's bucket; when it holds fewer, takes nothing and says how
    // long until it will hold them (or that it never can: a batch larger than the burst).
    struct Refusal {
        std::optional<std::chrono::seconds> retry_after;  // none: the batch is over the burst
        std::string reason;
    };
    std::optional<Refusal> take(const std::string& caller, std::size_t events,
                                Clock::time_point now = Clock::now());

      std::size_t callers() const;

private:
    struct Bucket {
        double tokens;
        Clock::time_point updated;
    };
    void forget_full_buckets(Clock::time_point now);

    mutable std::mutex mutex_;
    IngestRate rate_;
    std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace stackwatch::errors
