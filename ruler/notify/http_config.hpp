#pragma once
// `http_config` and `tls_config` of Alertmanager's receivers, in the shape of Prometheus's
// common HTTP client configuration, turned into the libcurl request settings they stand for.

#include <string>
#include <vector>

#include "common/config.hpp"
#include "common/http_client.hpp"
#include "ruler/scrape/http_client_config.hpp"

namespace stackwatch::notify {

struct TlsConfig {
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
    std::string server_name;
    bool insecure_skip_verify = false;
    bool operator==(const TlsConfig&) const = default;
};

// One of `http_headers` (prometheus/common's shape, which Alertmanager reads from 0.28): fixed
// values, secrets, and files read at each send.
struct HttpHeader {
    std::string name;
    std::vector<std::string> values;  // values and secrets, in order
    std::vector<std::string> files;
    bool operator==(const HttpHeader&) const = default;
};

struct HttpConfig {
    scrape::HttpAuth auth;
    TlsConfig tls;
    std::string proxy_url;
    bool follow_redirects = true;
    std::vector<HttpHeader> headers;
    bool operator==(const HttpConfig&) const = default;

    // Credentials, TLS and proxy onto a request. Throws std::runtime_error when a secret file
    // cannot be read.
    void apply(http::ClientRequest& request) const;
};

// Relative files resolve against the configuration file, as Alertmanager's SetDirectory does.
TlsConfig parse_tls_config(const ConfigNode& node);
HttpConfig parse_http_config(const ConfigNode& node);
// The same keys where they sit beside others (Prometheus's alertmanagers entries); the caller
// checks for unknown keys.
HttpConfig parse_http_client_keys(const ConfigNode& node);

}  // namespace stackwatch::notify
