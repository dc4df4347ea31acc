#include "ruler/remote_write/remote_write_appender.hpp"

namespace stackwatch::remote_write {

RemoteWriteAppender::RemoteWriteAppender(std::shared_ptr<rules::SampleAppender> local,
                                         prometheus::Registry& registry,
                                         std::shared_ptr<WriteBuffer> buffer)
    : local_(std::move(local)), metrics_(registry), buffer_(std::move(buffer)) {}

RemoteWriteAppender::~RemoteWriteAppender() {
    stop();
}

std::string RemoteWriteAppender::append(const promql::Labels& labels, promql::Timestamp t,
                                        double v) {
    auto refused = local_->append(labels, t, v);
    if (!refused.empty()) return refused;
    std::lock_guard lock(mutex_);
    if (queues_.empty()) return "";
    if (external_labels_.empty()) {
        for (auto& queue : queues_) queue->append(labels, t, v);
        return "";
    }
    promql::Labels sent = labels;
    for (const auto& label : external_labels_)
        if (!sent.has(label.name)) sent.set(label.name, label.value);
    for (auto& queue : queues_) queue->append(sent, t, v);
    return "";
}

void RemoteWriteAppender::set_remotes(const std::vector<RemoteWriteConfig>& configs,
                                      const promql::Labels& external_labels) {
    std::vector<std::unique_ptr<WriteQueue>> kept;
    std::vector<std::unique_ptr<WriteQueue>> gone;
    std::vector<const RemoteWriteConfig*> added;
    {
        std::lock_guard lock(mutex_);
        for (const auto& config : configs) {
            auto same = std::find_if(queues_.begin(), queues_.end(), [&](const auto& queue) {
                return queue && queue->config() == config;
            });
            if (same != queues_.end())
                kept.push_back(std::move(*same));
            else
                added.push_back(&config);
        }
        for (auto& queue : queues_)
            if (queue) gone.push_back(std::move(queue));
        queues_ = std::move(kept);
        external_labels_ = external_labels;
    }
    // Outside the lock: a flush to a slow remote must not hold up rule evaluation. A changed
    // remote's new queue starts once the old one has stopped, so the two never send the same
    // buffered batches; samples of the moment in between are not queued for it.
    for (auto& queue : gone) queue->stop();
    std::vector<std::unique_ptr<WriteQueue>> started;
    for (const auto* config : added)
        started.push_back(std::make_unique<WriteQueue>(*config, metrics_, buffer_));
    std::lock_guard lock(mutex_);
    for (auto& queue : started) queues_.push_back(std::move(queue));
}

void RemoteWriteAppender::stop() {
    std::vector<std::unique_ptr<WriteQueue>> gone;
    {
        std::lock_guard lock(mutex_);
        gone = std::move(queues_);
        queues_.clear();
    }
    for (auto& queue : gone) queue->stop();
}

}  // namespace stackwatch::remote_write
