#include "common/failure_report.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

namespace stackwatch {
namespace {

std::mutex sink_mutex;
std::shared_ptr<const FailureSink> current_sink;

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool mentions(const std::string& text, std::initializer_list<std::string_view> words) {
    return std::any_of(words.begin(), words.end(),
                       [&](std::string_view w) { return text.find(w) != std::string::npos; });
}

// What libpq, hiredis and libcurl say when a connection fails, in the runbook's last segment.
std::string connection_failure(const std::string& text) {
    // libcurl says "Couldn't connect to server" for a refused connection.
    if (mentions(text, {"refused", "couldn't connect"})) return "connection:refused";
    if (mentions(text, {"timeout", "timed out", "deadline"})) return "connection:timeout";
    if (mentions(text, {"could not translate host", "name or service not known",
                        "could not resolve", "couldn't resolve", "unknown host"}))
        return "connection:dns";
    if (mentions(text, {"too many clients", "too many connections", "max number of clients"}))
        return "connection:exhausted";
    if (mentions(text,
                 {"reset by peer", "closed the connection", "connection lost", "server closed",
                  "broken pipe", "eof", "returned nothing", "receiving data", "sending data"}))
        return "connection:lost";
    return "";
}

}  // namespace

void set_failure_sink(FailureSink sink) {
    auto shared = sink ? std::make_shared<const FailureSink>(std::move(sink)) : nullptr;
    std::lock_guard lock(sink_mutex);
    current_sink = std::move(shared);
}

void report_failure(const Failure& failure) {
    std::shared_ptr<const FailureSink> sink;
    {
        std::lock_guard lock(sink_mutex);
        sink = current_sink;
    }
    if (sink) (*sink)(failure);
}

std::string database_failure_fingerprint(std::string_view message) {
    auto text = lower(message);
    if (mentions(text, {"password authentication failed", "authentication failed",
                        "no pg_hba.conf entry", "role \"", "permission denied"}))
        return mentions(text, {"permission denied"}) ? "database:permission:denied"
                                                     : "database:auth:failed";
    if (auto connection = connection_failure(text); !connection.empty())
        return "database:" + connection;
    if (mentions(text, {"canceling statement due to statement timeout"}))
        return "database:query:timeout";
    if (mentions(text, {"syntax error", "does not exist"})) return "database:query:invalid";
    return "database:query:failed";
}

std::string redis_failure_fingerprint(std::string_view message) {
    auto text = lower(message);
    if (mentions(text, {"noauth", "wrongpass", "invalid password", "invalid username"}))
        return "redis:auth:failed";
    if (auto connection = connection_failure(text); !connection.empty())
        return "redis:" + connection;
    if (mentions(text, {"loading"})) return "redis:server:loading";
    return "redis:command:failed";
}

std::string http_failure_fingerprint(int status, std::string_view error) {
    if (status >= 400) return "external:http:" + std::to_string(status);
    auto text = lower(error);
    if (mentions(text, {"timeout", "timed out"})) return "external:timeout";
    if (auto connection = connection_failure(text); !connection.empty())
        return "external:" + connection;
    if (mentions(text, {"ssl", "tls", "certificate"})) return "external:tls";
    return "external:request:failed";
}

}  // namespace stackwatch
