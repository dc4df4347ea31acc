#pragma once
// Rule results to the embedded store and, once it has taken them, to every remote_write queue:
// a sample the store refuses (out of order) is not sent either. The queues change on reload;
// a remote whose configuration is unchanged keeps its queue and what waits in it.

#include <memory>
#include <mutex>
#include <vector>

#include "ruler/remote_write/write_queue.hpp"
#include "ruler/rules/sample_appender.hpp"

namespace stackwatch::remote_write {

class RemoteWriteAppender : public rules::SampleAppender {
  public:
    // `buffer` keeps every remote's batches until the remote takes them.
    RemoteWriteAppender(std::shared_ptr<rules::SampleAppender> local,
                        prometheus::Registry& registry, std::shared_ptr<WriteBuffer> buffer);
    ~RemoteWriteAppender() override;

    std::string append(const promql::Labels& labels, promql::Timestamp t, double v) override;
    // external_labels are added to what is sent where a series lacks them, as Prometheus does.
    void set_remotes(const std::vector<RemoteWriteConfig>& configs,
                     const promql::Labels& external_labels);
    // Flushes and ends every queue; appends after it go to the local store only.
    void stop();

  private:
    std::shared_ptr<rules::SampleAppender> local_;
    WriteMetrics metrics_;
    std::shared_ptr<WriteBuffer> buffer_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<WriteQueue>> queues_;
    promql::Labels external_labels_;
};

}  // namespace stackwatch::remote_write
