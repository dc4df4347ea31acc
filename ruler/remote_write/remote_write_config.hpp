#pragma once
// ruler.yml's `remote_write`, in Prometheus's shape: where recording-rule results and the
// ALERTS / ALERTS_FOR_STATE series are written, with Prometheus's HTTP client keys and the queue
// settings that matter for one sender per remote.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "common/config.hpp"
#include "ruler/notify/http_config.hpp"

namespace stackwatch::remote_write {

struct QueueConfig {
    std::size_t capacity = 10000;  // samples held while the remote is slow or down
    std::size_t max_samples_per_send = 2000;
    std::chrono::milliseconds batch_send_deadline{5000};
    std::chrono::milliseconds min_backoff{30};
    std::chrono::milliseconds max_backoff{5000};
    bool retry_on_http_429 = false;  // Prometheus 2.42's default
    // stackwatch's own: the bound of the remote's batches on disk (write_buffer.hpp).
    std::size_t max_buffer_bytes = 64 << 20;
    bool operator==(const QueueConfig&) const = default;
};

struct RemoteWriteConfig {
    std::string url;
    std::string name;  // remote_name in the metrics; the URL when unset
    std::chrono::milliseconds remote_timeout{30000};
    std::vector<std::pair<std::string, std::string>> headers;
    notify::HttpConfig http;
    QueueConfig queue;
    bool operator==(const RemoteWriteConfig&) const = default;
};

// Throws ConfigError naming file:line and the key; refuses what stackwatch does not do
// (write_relabel_configs, metadata, sigv4, oauth2) instead of ignoring it.
std::vector<RemoteWriteConfig> parse_remote_write(const ConfigNode& list);

}  // namespace stackwatch::remote_write
