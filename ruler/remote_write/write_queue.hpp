#pragma once
// One remote's sender: samples wait in a bounded queue (the oldest dropped when it is full, so a
// dead remote costs bounded memory), leave in batches of max_samples_per_send or after
// batch_send_deadline, and a batch that fails with a network error, a 5xx (or a 429 when asked)
// is retried with exponential backoff until it is taken, as Prometheus's queue manager does.
// Other 4xx answers mean the remote will never take the batch: it is dropped and counted.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "ruler/remote_write/remote_write_config.hpp"
#include "ruler/remote_write/write_request.hpp"

namespace stackwatch::remote_write {

// Prometheus's own remote-storage metric names, so its dashboards and alerts read them.
struct WriteMetrics {
    explicit WriteMetrics(prometheus::Registry& registry);

    prometheus::Family<prometheus::Counter>& sent;
    prometheus::Family<prometheus::Counter>& failed;
    prometheus::Family<prometheus::Counter>& retried;
    prometheus::Family<prometheus::Counter>& dropped;
    prometheus::Family<prometheus::Gauge>& pending;
    prometheus::Family<prometheus::Gauge>& highest_sent;
};

class WriteQueue {
  public:
    WriteQueue(RemoteWriteConfig config, WriteMetrics& metrics);
    ~WriteQueue();
    WriteQueue(const WriteQueue&) = delete;
    WriteQueue& operator=(const WriteQueue&) = delete;

    const RemoteWriteConfig& config() const { return config_; }
    // Never blocks on the remote.
    void append(const promql::Labels& labels, promql::Timestamp t, double v);
    // Sends what is queued with one attempt per batch, then ends the sender.
    void stop();

  private:
    enum class Outcome { sent, retry, drop };

    void run();
    void send(const std::vector<PendingSample>& batch);
    Outcome attempt(const std::string& body, std::size_t samples);
    // The last try at shutdown: sent, or counted as failed.
    void attempt_once(const std::string& body, const std::vector<PendingSample>& batch);
    void record_sent(const std::vector<PendingSample>& batch);
    std::vector<PendingSample> take_batch();

    const RemoteWriteConfig config_;
    prometheus::Counter& sent_;
    prometheus::Counter& failed_;
    prometheus::Counter& retried_;
    prometheus::Counter& dropped_;
    prometheus::Gauge& pending_;
    prometheus::Gauge& highest_sent_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<PendingSample> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace stackwatch::remote_write
