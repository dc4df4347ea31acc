#include "common/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "common/redact.hpp"

namespace stackwatch::http {
namespace {

std::once_flag curl_init_once;

struct Sink {
    std::string* body;
    std::size_t limit;
    bool overflow = false;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    size_t n = size * count;
    if (sink->body->size() + n > sink->limit) {
        sink->overflow = true;
        return 0;
    }
    sink->body->append(data, n);
    return n;
}

size_t write_header(char* data, size_t size, size_t count, void* user) {
    auto* headers = static_cast<std::map<std::string, std::string>*>(user);
    std::string line(data, size * count);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::string value = line.substr(colon + 1);
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
        size_t start = value.find_first_not_of(' ');
        (*headers)[name] = start == std::string::npos ? "" : value.substr(start);
    }
    return size * count;
}

// The URL's host, or with it replaced, through libcurl's own URL parser.
std::string url_host(const std::string& url) {
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), curl_url_cleanup);
    char* host = nullptr;
    if (curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
        curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK)
        return "";
    std::string out = host;
    curl_free(host);
    return out;
}

std::string with_host(const std::string& url, const std::string& host) {
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), curl_url_cleanup);
    char* rebuilt = nullptr;
    if (curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
        curl_url_set(parsed.get(), CURLUPART_HOST, host.c_str(), 0) != CURLUE_OK ||
        curl_url_get(parsed.get(), CURLUPART_URL, &rebuilt, 0) != CURLUE_OK)
        return url;
    std::string out = rebuilt;
    curl_free(rebuilt);
    return out;
}

}  // namespace

void init_curl() {
    std::call_once(curl_init_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

namespace {

// One handle per thread, reset for each request: its connection cache keeps connections
// (and TLS sessions) to a receiver alive between requests, as Go's http.Client does, and a
// request does not pay for building a handle.
CURL* thread_handle() {
    thread_local std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> handle(curl_easy_init(),
                                                                            curl_easy_cleanup);
    if (handle) curl_easy_reset(handle.get());
    return handle.get();
}

}  // namespace

ClientResponse perform(const ClientRequest& request) {
    init_curl();
    ClientResponse response;
    CURL* curl = thread_handle();
    if (curl == nullptr) {
        response.error = "curl_easy_init failed";
        return response;
    }
    Sink sink{&response.body, request.max_response_bytes};
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers)
        headers = curl_slist_append(headers, (name + ": " + value).c_str());
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, write_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, request.verify_tls ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, request.verify_tls ? 2L : 0L);
    if (!request.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, request.ca_file.c_str());
    if (!request.cert_file.empty())
        curl_easy_setopt(curl, CURLOPT_SSLCERT, request.cert_file.c_str());
    if (!request.key_file.empty()) curl_easy_setopt(curl, CURLOPT_SSLKEY, request.key_file.c_str());
    curl_slist* connect_to = nullptr;
    if (!request.server_name.empty()) {
        // Connect to the URL's host but name the server in SNI and verification: the URL is
        // rewritten to the server name and libcurl told where that name really lives.
        connect_to = curl_slist_append(
            connect_to, (request.server_name + "::" + url_host(request.url) + ":").c_str());
        curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connect_to);
        curl_easy_setopt(curl, CURLOPT_URL, with_host(request.url, request.server_name).c_str());
    }
    if (!request.proxy_url.empty())
        curl_easy_setopt(curl, CURLOPT_PROXY, request.proxy_url.c_str());
    if (request.follow_redirects) {
        curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);  // Go's http.Client stops after 10
    }
    if (request.accept_gzip) curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "gzip");
    if (!request.basic_user.empty()) {
        curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(curl, CURLOPT_USERNAME, request.basic_user.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, request.basic_password.c_str());
    }
    if (request.method == "HEAD") {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (request.method != "GET") {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    }
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    double seconds = 0;
    curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME, &seconds);
    response.status = static_cast<int>(status);
    response.seconds = seconds;
    if (sink.overflow) {
        response.error =
            "response larger than " + std::to_string(request.max_response_bytes) + " bytes";
    } else if (rc != CURLE_OK) {
        response.error = redact(curl_easy_strerror(rc));
    }
    // The handle keeps pointers to these until its next reset.
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(curl, CURLOPT_CONNECT_TO, nullptr);
    curl_slist_free_all(headers);
    curl_slist_free_all(connect_to);
    return response;
}

ClientResponse get(const std::string& url, std::chrono::milliseconds timeout) {
    ClientRequest request;
    request.url = url;
    request.timeout = timeout;
    return perform(request);
}

}  // namespace stackwatch::http
