#include "common/failure_poster.hpp"

#include "common/http_client.hpp"
#include "common/logging.hpp"
#include "common/thread_name.hpp"
#include "common/time_format.hpp"
#include "common/uuid.hpp"

namespace stackwatch {
namespace {

constexpr std::size_t kBatch = 100;

}  // namespace

FailurePoster::FailurePoster(FailurePosterOptions options)
    : options_(std::move(options)), thread_([this] { run(); }) {}

FailurePoster::~FailurePoster() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void FailurePoster::post(const Failure& failure) {
    // The eventId makes the ruler store a report once even when a batch is sent again.
    nlohmann::json report = {{"eventId", random_uuid()},
                             {"timestamp", iso8601_utc_ms(std::chrono::system_clock::now())},
                             {"type", failure.type},
                             {"message", failure.message},
                             {"level", failure.level},
                             {"service", options_.service},
                             {"fingerprint", {failure.fingerprint}},
                             {"context", failure.context}};
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= options_.max_queued) {
            ++dropped_;
            return;
        }
        queue_.push_back(std::move(report));
    }
    wake_.notify_one();
}

std::size_t FailurePoster::dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
}

void FailurePoster::run() {
    name_this_thread("failure-post");
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        nlohmann::json batch = nlohmann::json::array();
        while (!queue_.empty() && batch.size() < kBatch) {
            batch.push_back(std::move(queue_.front()));
            queue_.pop_front();
        }
        lock.unlock();
        http::ClientRequest request{.method = "POST",
                                    .url = options_.url,
                                    .body = nlohmann::json{{"errors", batch}}.dump(),
                                    .timeout = std::chrono::seconds(5)};
        request.headers = {{"Content-Type", "application/json"}};
        if (!options_.token.empty())
            request.headers.emplace_back("Authorization", "Bearer " + options_.token);
        auto response = http::perform(request);
        // Not reported as a failure of its own: that report would go the same way.
        if (!response.ok())
            log::warn("reporting failures to the ruler failed", {{"url", options_.url},
                                                                 {"status", response.status},
                                                                 {"error", response.error},
                                                                 {"reports", batch.size()}});
        lock.lock();
    }
}

}  // namespace stackwatch
