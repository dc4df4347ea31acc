#pragma once
// stackwatch_errors_total{type, fingerprint_prefix}: what rules alert on (the rate of errors of
// one kind). The prefix is the fingerprint's first segment (database, auth, external, or the
// type of a default fingerprint); past `max_series` label pairs new ones count as "other", so an
// application inventing types cannot blow up the ruler's /metrics.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <map>
#include <mutex>
#include <string>

namespace stackwatch::errors {

class ErrorMetrics {
  public:
    explicit ErrorMetrics(prometheus::Registry& registry, std::size_t max_series = 200);

    void stored(const std::string& type, const std::string& fingerprint);
    void dropped(const std::string& reason);  // own failures when the queue was full
    void refused(const std::string& reason);  // requests answered 4xx/503

  private:
    prometheus::Family<prometheus::Counter>& errors_;
    prometheus::Family<prometheus::Counter>& dropped_;
    prometheus::Family<prometheus::Counter>& refused_;
    std::size_t max_series_;
    std::mutex mutex_;
    std::map<std::pair<std::string, std::string>, prometheus::Counter*> series_;
    prometheus::Counter* other_;
};

}  // namespace stackwatch::errors
