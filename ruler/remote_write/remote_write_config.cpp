#include "ruler/remote_write/remote_write_config.hpp"

#include <set>

#include "common/http_router.hpp"

namespace stackwatch::remote_write {

namespace {

// Headers the protocol sets itself, as Prometheus refuses them.
const std::set<std::string> kReservedHeaders = {
    "authorization",      "host",
    "content-encoding",   "content-length",
    "content-type",       "user-agent",
    "connection",         "keep-alive",
    "proxy-authenticate", "proxy-authorization",
    "www-authenticate",   "x-prometheus-remote-write-version"};

std::size_t positive_count(const ConfigNode& node, std::string_view key, std::size_t fallback) {
    auto value = node.get_int(key, static_cast<std::int64_t>(fallback));
    if (value <= 0) node[key].fail("must be greater than 0");
    return static_cast<std::size_t>(value);
}

std::chrono::milliseconds positive_duration(const ConfigNode& node, std::string_view key,
                                            std::chrono::milliseconds fallback) {
    auto value = node.get_duration(key, fallback);
    if (value.count() <= 0) node[key].fail("must be greater than 0");
    return value;
}

QueueConfig parse_queue(const ConfigNode& node) {
    QueueConfig queue;
    if (!node.defined()) return queue;
    node.allow_keys({"capacity", "max_shards", "min_shards", "max_samples_per_send",
                     "batch_send_deadline", "min_backoff", "max_backoff", "retry_on_http_429",
                     "max_buffer_bytes"});
    queue.capacity = positive_count(node, "capacity", queue.capacity);
    queue.max_samples_per_send =
        positive_count(node, "max_samples_per_send", queue.max_samples_per_send);
    queue.batch_send_deadline =
        positive_duration(node, "batch_send_deadline", queue.batch_send_deadline);
    queue.min_backoff = positive_duration(node, "min_backoff", queue.min_backoff);
    queue.max_backoff = positive_duration(node, "max_backoff", queue.max_backoff);
    if (queue.max_backoff < queue.min_backoff)
        node["max_backoff"].fail("must not be less than min_backoff");
    queue.retry_on_http_429 = node.get_bool("retry_on_http_429", queue.retry_on_http_429);
    queue.max_buffer_bytes = positive_count(node, "max_buffer_bytes", queue.max_buffer_bytes);
    // One sender per remote keeps samples of a series in order; shards are accepted so that a
    // Prometheus file reads, and must stay positive.
    positive_count(node, "max_shards", 1);
    positive_count(node, "min_shards", 1);
    return queue;
}

}  // namespace

std::vector<RemoteWriteConfig> parse_remote_write(const ConfigNode& list) {
    std::vector<RemoteWriteConfig> out;
    if (!list.defined()) return out;
    list.require_sequence();
    std::set<std::string> names;
    for (const auto& node : list.items()) {
        node.allow_keys({"url", "name", "remote_timeout", "headers", "queue_config", "basic_auth",
                         "authorization", "bearer_token", "bearer_token_file", "tls_config",
                         "proxy_url", "follow_redirects", "enable_http2", "send_exemplars",
                         "send_native_histograms", "write_relabel_configs", "metadata_config",
                         "sigv4", "oauth2"});
        for (auto refused : {"write_relabel_configs", "sigv4", "oauth2"})
            if (node[refused].defined()) node[refused].fail("is not supported by stackwatch");
        RemoteWriteConfig config;
        config.url = node.require_string("url");
        if (!config.url.starts_with("http://") && !config.url.starts_with("https://"))
            node["url"].fail("must be an http:// or https:// URL");
        config.name = node.get_string("name", config.url);
        if (!names.insert(config.name).second)
            node[node.has("name") ? "name" : "url"].fail(
                "is used by an earlier remote_write entry");
        config.remote_timeout = positive_duration(node, "remote_timeout", config.remote_timeout);
        for (const auto& [name, value] : node["headers"].entries()) {
            if (kReservedHeaders.count(http::lower(name)) != 0)
                node["headers"][name].fail("is set by the remote-write protocol itself");
            config.headers.emplace_back(name, value.as_string());
        }
        config.http = notify::parse_http_client_keys(node);
        config.queue = parse_queue(node["queue_config"]);
        out.push_back(std::move(config));
    }
    return out;
}

}  // namespace stackwatch::remote_write
