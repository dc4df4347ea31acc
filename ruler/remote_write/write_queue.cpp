#include "ruler/remote_write/write_queue.hpp"

#include "common/http_client.hpp"
#include "common/logging.hpp"
#include "common/thread_name.hpp"
#include "common/version.hpp"

namespace stackwatch::remote_write {

namespace {

prometheus::Labels metric_labels(const RemoteWriteConfig& config) {
    return {{"remote_name", config.name}, {"url", config.url}};
}

}  // namespace

WriteMetrics::WriteMetrics(prometheus::Registry& registry)
    : sent(prometheus::BuildCounter()
               .Name("prometheus_remote_storage_samples_total")
               .Help("Total number of samples sent to remote storage.")
               .Register(registry)),
      failed(prometheus::BuildCounter()
                 .Name("prometheus_remote_storage_samples_failed_total")
                 .Help("Total number of samples which failed on send to remote storage, "
                       "non-recoverable errors.")
                 .Register(registry)),
      retried(prometheus::BuildCounter()
                  .Name("prometheus_remote_storage_samples_retried_total")
                  .Help("Total number of samples which failed on send to remote storage but "
                        "were retried because the send error was recoverable.")
                  .Register(registry)),
      dropped(prometheus::BuildCounter()
                  .Name("prometheus_remote_storage_samples_dropped_total")
                  .Help("Total number of samples which were dropped because the queue was full.")
                  .Register(registry)),
      pending(prometheus::BuildGauge()
                  .Name("prometheus_remote_storage_samples_pending")
                  .Help("The number of samples pending in the queue to be sent to the remote "
                        "storage.")
                  .Register(registry)),
      highest_sent(prometheus::BuildGauge()
                       .Name("prometheus_remote_storage_queue_highest_sent_timestamp_seconds")
                       .Help("Timestamp from a WAL sample, the highest timestamp successfully "
                             "sent by this queue, in seconds since epoch.")
                       .Register(registry)) {}

WriteQueue::WriteQueue(RemoteWriteConfig config, WriteMetrics& metrics)
    : config_(std::move(config)),
      sent_(metrics.sent.Add(metric_labels(config_))),
      failed_(metrics.failed.Add(metric_labels(config_))),
      retried_(metrics.retried.Add(metric_labels(config_))),
      dropped_(metrics.dropped.Add(metric_labels(config_))),
      pending_(metrics.pending.Add(metric_labels(config_))),
      highest_sent_(metrics.highest_sent.Add(metric_labels(config_))),
      thread_([this] { run(); }) {}

WriteQueue::~WriteQueue() {
    stop();
}

void WriteQueue::append(const promql::Labels& labels, promql::Timestamp t, double v) {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (queue_.size() >= config_.queue.capacity) {
        queue_.pop_front();
        dropped_.Increment();
    }
    queue_.push_back(PendingSample{labels, t, v});
    pending_.Set(static_cast<double>(queue_.size()));
    // The first sample starts the batch's deadline; a full batch leaves at once.
    if (queue_.size() == 1 || queue_.size() >= config_.queue.max_samples_per_send)
        wake_.notify_one();
}

void WriteQueue::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !thread_.joinable()) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::vector<PendingSample> WriteQueue::take_batch() {
    std::vector<PendingSample> batch;
    const std::size_t n = std::min(queue_.size(), config_.queue.max_samples_per_send);
    batch.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
    }
    pending_.Set(static_cast<double>(queue_.size()));
    return batch;
}

void WriteQueue::run() {
    name_this_thread("remote-write");
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        // A batch leaves when full, or batch_send_deadline after its first sample came.
        wake_.wait_for(lock, config_.queue.batch_send_deadline, [&] {
            return stopping_ || queue_.size() >= config_.queue.max_samples_per_send;
        });
        if (stopping_) break;
        auto batch = take_batch();
        lock.unlock();
        send(batch);
        lock.lock();
    }
    // Stopping: one attempt for each batch still queued; what the remote refuses now is lost,
    // and counted as failed.
    while (!queue_.empty()) {
        auto batch = take_batch();
        lock.unlock();
        attempt_once(encode_write_request(batch), batch);
        lock.lock();
    }
}

void WriteQueue::record_sent(const std::vector<PendingSample>& batch) {
    promql::Timestamp highest = 0;
    for (const auto& s : batch) highest = std::max(highest, s.t);
    sent_.Increment(static_cast<double>(batch.size()));
    highest_sent_.Set(static_cast<double>(highest) / 1000);
}

void WriteQueue::attempt_once(const std::string& body, const std::vector<PendingSample>& batch) {
    if (attempt(body, batch.size()) == Outcome::sent) {
        record_sent(batch);
    } else {
        failed_.Increment(static_cast<double>(batch.size()));
    }
}

void WriteQueue::send(const std::vector<PendingSample>& batch) {
    const std::string body = encode_write_request(batch);
    auto backoff = config_.queue.min_backoff;
    while (true) {
        switch (attempt(body, batch.size())) {
            case Outcome::sent:
                record_sent(batch);
                return;
            case Outcome::drop:
                failed_.Increment(static_cast<double>(batch.size()));
                return;
            case Outcome::retry:
                break;
        }
        retried_.Increment(static_cast<double>(batch.size()));
        std::unique_lock lock(mutex_);
        // A stop ends the wait; the batch then gets one last attempt, as queued ones do.
        if (wake_.wait_for(lock, backoff, [&] { return stopping_; })) {
            lock.unlock();
            attempt_once(body, batch);
            return;
        }
        backoff = std::min(backoff * 2, config_.queue.max_backoff);
    }
}

WriteQueue::Outcome WriteQueue::attempt(const std::string& body, std::size_t samples) {
    http::ClientRequest request;
    request.method = "POST";
    request.url = config_.url;
    request.body = body;
    request.timeout = config_.remote_timeout;
    request.headers = config_.headers;
    request.headers.emplace_back("Content-Encoding", "snappy");
    request.headers.emplace_back("Content-Type", "application/x-protobuf");
    request.headers.emplace_back("X-Prometheus-Remote-Write-Version", "0.1.0");
    request.headers.emplace_back("User-Agent", std::string("stackwatch-ruler/") + kVersion);
    try {
        config_.http.apply(request);
    } catch (const std::exception& e) {
        log::error("cannot send to remote storage",
                   {{"remote_name", config_.name}, {"error", e.what()}});
        return Outcome::retry;
    }
    const auto response = http::perform(request);
    if (response.ok()) return Outcome::sent;
    const bool recoverable = response.status == 0 || response.status >= 500 ||
                             (response.status == 429 && config_.queue.retry_on_http_429);
    log::warn(recoverable ? "remote storage failed, retrying" : "remote storage refused samples",
              {{"remote_name", config_.name},
               {"status", response.status},
               {"samples", samples},
               {"error", response.error.empty() ? response.body.substr(0, 256) : response.error}});
    return recoverable ? Outcome::retry : Outcome::drop;
}

}  // namespace stackwatch::remote_write
