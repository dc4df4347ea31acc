#pragma once
// One remote's sender: samples wait in memory until a batch is full (max_samples_per_send) or
// batch_send_deadline old, then one thread writes the batch to the remote's disk buffer and
// another sends from there, oldest first, so a remote that is slow to answer never keeps
// samples in memory longer than a batch deadline. A batch that fails with a network error, a 5xx
// (or a 429 when asked) is retried with exponential backoff until it is taken, as Prometheus's
// queue manager does, while newer batches wait behind it on disk; other 4xx answers mean the remote
// will never take it: it is dropped and counted. The memory queue is bounded too, its oldest
// samples dropped when it is full, which only happens when the buffer cannot keep up.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "ruler/remote_write/remote_write_config.hpp"
#include "ruler/remote_write/write_buffer.hpp"
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
    // Batches left in `buffer` for this remote by an earlier run are sent first.
    WriteQueue(RemoteWriteConfig config, WriteMetrics& metrics,
               std::shared_ptr<WriteBuffer> buffer);
    ~WriteQueue();
    WriteQueue(const WriteQueue&) = delete;
    WriteQueue& operator=(const WriteQueue&) = delete;

    const RemoteWriteConfig& config() const { return config_; }
    // Never blocks on the remote.
    void append(const promql::Labels& labels, promql::Timestamp t, double v);
    // Buffers what waits in memory, gives the buffered batches one attempt each (until the
    // first the remote does not take), then ends both threads. What is left stays buffered.
    void stop();

  private:
    enum class Outcome { sent, retry, drop };
    using Clock = std::chrono::steady_clock;

    void make_batches();  // memory -> buffer
    void send_batches();  // buffer -> remote
    std::vector<PendingSample> take_batch();
    // Writes the batch to the buffer; when the buffer cannot take it, one direct attempt.
    void buffer_batch(const std::vector<PendingSample>& batch);
    // One attempt at the oldest buffered batch; false when it is to be retried.
    bool send_oldest();
    Outcome attempt(const std::string& body, std::size_t samples);
    void record_sent(std::size_t samples, promql::Timestamp highest);
    void update_pending();

    const RemoteWriteConfig config_;
    const std::string buffer_key_;  // this remote in the buffer
    std::shared_ptr<WriteBuffer> buffer_;
    prometheus::Counter& sent_;
    prometheus::Counter& failed_;
    prometheus::Counter& retried_;
    prometheus::Counter& dropped_;
    prometheus::Gauge& pending_;
    prometheus::Gauge& highest_sent_;
    std::mutex mutex_;
    std::condition_variable samples_;  // to the batcher: samples came, or stop
    std::condition_variable batches_;  // to the sender: a batch was buffered, or stop
    std::deque<PendingSample> queue_;
    Clock::time_point first_queued_;        // of the oldest sample in queue_
    std::atomic<std::size_t> buffered_{0};  // samples in the buffer for this remote
    bool stopping_ = false;
    bool batches_done_ = false;  // the batcher has buffered everything and ended
    std::thread batcher_;
    std::thread sender_;
};

}  // namespace stackwatch::remote_write
