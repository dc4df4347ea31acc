#pragma once
// A small libcurl client for everything that calls out: scrapes, remote queries, notifier
// webhooks, health checks, and the tests. Never throws for network failures: they come back in
// `error`, so a slow or dead peer is just a result.

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace stackwatch::http {

struct ClientRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::chrono::milliseconds timeout{10000};
    std::string basic_user;  // basic auth when non-empty
    std::string basic_password;
    bool accept_gzip = false;
    bool verify_tls = true;
    std::string ca_file;
    std::string cert_file;  // a client certificate, with key_file
    std::string key_file;
    std::string server_name;  // TLS SNI and certificate name when it differs from the URL's host
    std::string proxy_url;
    bool follow_redirects = false;
    std::size_t max_response_bytes = 64 << 20;
};

struct ClientResponse {
    int status = 0;  // 0 when no HTTP response arrived
    std::string body;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string error;                           // empty on a completed exchange
    double seconds = 0;
    bool ok() const { return error.empty() && status >= 200 && status < 300; }
};

ClientResponse perform(const ClientRequest& request);
// libcurl's global set-up, once per process, before any thread makes a handle of its own.
void init_curl();
ClientResponse get(const std::string& url,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace stackwatch::http
