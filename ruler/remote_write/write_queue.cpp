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

WriteQueue::WriteQueue(RemoteWriteConfig config, WriteMetrics& metrics,
                       std::shared_ptr<WriteBuffer> buffer)
    : config_(std::move(config)),
      buffer_key_(config_.name + " " + config_.url),
      buffer_(std::move(buffer)),
      sent_(metrics.sent.Add(metric_labels(config_))),
      failed_(metrics.failed.Add(metric_labels(config_))),
      retried_(metrics.retried.Add(metric_labels(config_))),
      dropped_(metrics.dropped.Add(metric_labels(config_))),
      pending_(metrics.pending.Add(metric_labels(config_))),
      highest_sent_(metrics.highest_sent.Add(metric_labels(config_))),
      buffered_(buffer_->samples(buffer_key_)) {
    update_pending();
    batcher_ = std::thread([this] { make_batches(); });
    sender_ = std::thread([this] { send_batches(); });
}

WriteQueue::~WriteQueue() {
    stop();
}

void WriteQueue::update_pending() {
    pending_.Set(static_cast<double>(queue_.size() + buffered_.load()));
}

void WriteQueue::append(const promql::Labels& labels, promql::Timestamp t, double v) {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (queue_.size() >= config_.queue.capacity) {
        queue_.pop_front();
        dropped_.Increment();
    }
    if (queue_.empty()) first_queued_ = Clock::now();
    queue_.push_back(PendingSample{labels, t, v});
    update_pending();
    // The first sample starts the batch's deadline; a full batch leaves at once.
    if (queue_.size() == 1 || queue_.size() >= config_.queue.max_samples_per_send)
        samples_.notify_one();
}

void WriteQueue::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    samples_.notify_all();
    batches_.notify_all();
    if (batcher_.joinable()) batcher_.join();
    if (sender_.joinable()) sender_.join();
}

std::vector<PendingSample> WriteQueue::take_batch() {
    std::vector<PendingSample> batch;
    const std::size_t n = std::min(queue_.size(), config_.queue.max_samples_per_send);
    batch.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
    }
    first_queued_ = Clock::now();
    return batch;
}

void WriteQueue::make_batches() {
    name_this_thread("remote-batch");
    std::unique_lock lock(mutex_);
    while (true) {
        const bool batch_due =
            !queue_.empty() && (stopping_ || queue_.size() >= config_.queue.max_samples_per_send ||
                                Clock::now() >= first_queued_ + config_.queue.batch_send_deadline);
        if (batch_due) {
            auto batch = take_batch();
            lock.unlock();
            buffer_batch(batch);
            lock.lock();
            continue;
        }
        if (stopping_) break;
        // Woken early by a stop, the first sample of a batch, or a full batch.
        if (queue_.empty())
            samples_.wait(lock);
        else
            samples_.wait_until(lock, first_queued_ + config_.queue.batch_send_deadline);
    }
    batches_done_ = true;
    batches_.notify_all();
}

void WriteQueue::send_batches() {
    name_this_thread("remote-write");
    auto backoff = config_.queue.min_backoff;
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (buffered_ == 0) {
            batches_.wait(lock);
            continue;
        }
        lock.unlock();
        const bool moved_on = send_oldest();
        lock.lock();
        if (moved_on) {
            backoff = config_.queue.min_backoff;
        } else {
            // A stop ends the wait: what is buffered then gets its last attempts below.
            batches_.wait_for(lock, backoff, [&] { return stopping_; });
            backoff = std::min(backoff * 2, config_.queue.max_backoff);
        }
    }
    batches_.wait(lock, [&] { return batches_done_; });
    lock.unlock();
    // One attempt each, oldest first; the first the remote does not take ends it, and what is
    // left waits in the buffer for the next start.
    while (buffered_ > 0 && send_oldest()) {
    }
    if (buffered_ > 0 && !buffer_->persistent()) {
        failed_.Increment(static_cast<double>(buffered_.load()));  // gone with this process
    }
}

void WriteQueue::buffer_batch(const std::vector<PendingSample>& batch) {
    BufferedBatch buffered{.body = encode_write_request(batch), .samples = batch.size()};
    for (const auto& s : batch) buffered.highest = std::max(buffered.highest, s.t);
    try {
        auto dropped = buffer_->push(buffer_key_, buffered, config_.queue.max_buffer_bytes);
        buffered_ += batch.size() - dropped;
        if (dropped > 0) {
            dropped_.Increment(static_cast<double>(dropped));
            log::warn("remote write buffer full, oldest batches dropped",
                      {{"remote_name", config_.name}, {"samples", dropped}});
        }
    } catch (const std::exception& e) {
        // A full disk or a locked file: the batch gets one direct attempt instead of waiting.
        log::error("cannot buffer remote write batch",
                   {{"remote_name", config_.name}, {"error", e.what()}});
        if (attempt(buffered.body, buffered.samples) == Outcome::sent)
            record_sent(buffered.samples, buffered.highest);
        else
            failed_.Increment(static_cast<double>(buffered.samples));
    }
    std::lock_guard lock(mutex_);
    update_pending();
    batches_.notify_all();
}

bool WriteQueue::send_oldest() {
    std::optional<BufferedBatch> batch;
    try {
        batch = buffer_->oldest(buffer_key_);
    } catch (const std::exception& e) {
        log::error("cannot read remote write buffer",
                   {{"remote_name", config_.name}, {"error", e.what()}});
        return false;
    }
    if (!batch) {
        buffered_ = 0;
        return true;
    }
    auto outcome = attempt(batch->body, batch->samples);
    if (outcome == Outcome::retry) {
        retried_.Increment(static_cast<double>(batch->samples));
        return false;
    }
    try {
        buffer_->remove(batch->id);
    } catch (const std::exception& e) {
        // Left in the buffer, it is sent again: the remote takes a repeated sample as it is.
        log::error("cannot remove a sent batch from the remote write buffer",
                   {{"remote_name", config_.name}, {"error", e.what()}});
        return false;
    }
    buffered_ -= std::min(buffered_.load(), batch->samples);
    if (outcome == Outcome::sent)
        record_sent(batch->samples, batch->highest);
    else
        failed_.Increment(static_cast<double>(batch->samples));
    std::lock_guard lock(mutex_);
    update_pending();
    return true;
}

void WriteQueue::record_sent(std::size_t samples, promql::Timestamp highest) {
    sent_.Increment(static_cast<double>(samples));
    highest_sent_.Set(std::max(highest_sent_.Value(), static_cast<double>(highest) / 1000));
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
