#pragma once
// ruler.yml's `alerting.alertmanagers`, in Prometheus's shape: the ruler's own alerts also go to
// real Alertmanagers (for users who keep theirs, or run them in HA), as Prometheus's notifier
// sends them: a bounded queue that drops the oldest when full, batches of 64, every batch to
// every Alertmanager through API v2.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/config.hpp"
#include "ruler/notify/alert.hpp"
#include "ruler/notify/http_config.hpp"

namespace stackwatch::notify {

struct AlertmanagerTarget {
    std::string url;  // .../api/v2/alerts
    HttpConfig http_config;
    std::chrono::milliseconds timeout{10000};
};

// `alerting` of ruler.yml; throws ConfigError naming file:line and key.
std::vector<AlertmanagerTarget> parse_alerting(const ConfigNode& alerting);

class AlertmanagerForwarder {
  public:
    static constexpr std::size_t kQueueCapacity = 10000;
    static constexpr std::size_t kBatchSize = 64;

    AlertmanagerForwarder(std::vector<AlertmanagerTarget> targets, prometheus::Registry& registry);
    ~AlertmanagerForwarder();
    AlertmanagerForwarder(const AlertmanagerForwarder&) = delete;
    AlertmanagerForwarder& operator=(const AlertmanagerForwarder&) = delete;

    void send(const std::vector<Alert>& alerts);
    void set_targets(std::vector<AlertmanagerTarget> targets);
    void stop();

  private:
    void run();
    void post_batch(const std::vector<Alert>& batch,
                    const std::vector<AlertmanagerTarget>& targets);

    prometheus::Family<prometheus::Counter>& sent_;
    prometheus::Family<prometheus::Counter>& errors_;
    prometheus::Counter& dropped_;
    prometheus::Gauge& queue_length_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::deque<Alert> queue_;
    std::vector<AlertmanagerTarget> targets_;
    std::thread thread_;
};

}  // namespace stackwatch::notify
