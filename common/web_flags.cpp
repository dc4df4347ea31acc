#include "common/web_flags.hpp"

#include <stdexcept>

#include "common/config.hpp"

namespace stackwatch {
namespace {

std::chrono::milliseconds duration(const std::string& flag, const std::string& text) {
    auto parsed = try_parse_duration(text);
    if (!parsed || parsed->count() <= 0)
        throw std::invalid_argument("--" + flag + "=" + text +
                                    ": expected a positive duration such as 10s or 500ms");
    return std::chrono::duration_cast<std::chrono::milliseconds>(*parsed);
}

}  // namespace

void WebServerFlags::add_to(FlagSet& flags, const http::ServerOptions& defaults) {
    max_connections = std::to_string(defaults.max_connections);
    max_connections_per_client = std::to_string(defaults.max_connections_per_client);
    read_header_timeout = format_duration(defaults.read_header_timeout);
    idle_timeout = format_duration(defaults.idle_timeout);
    write_timeout = format_duration(defaults.write_timeout);
    max_header_bytes = std::to_string(defaults.max_header_bytes);
    flags.add_string("web.max-connections",
                     "Most connections open at once; beyond them a new one gets 503 and "
                     "Retry-After. Event streams and WebSockets count, but hold no request worker.",
                     &max_connections);
    flags.add_string("web.max-connections-per-client",
                     "Most connections open at once from one client address.",
                     &max_connections_per_client);
    flags.add_string("web.read-header-timeout",
                     "Time a client has to finish the TLS handshake and send its whole request "
                     "head, however slowly the bytes come.",
                     &read_header_timeout);
    flags.add_string("web.idle-timeout",
                     "How long a kept-alive connection may wait for its next request.",
                     &idle_timeout);
    flags.add_string("web.write-timeout",
                     "Time a request body has to arrive and a response to be taken by the client.",
                     &write_timeout);
    flags.add_string("web.max-header-bytes",
                     "Largest request head (request line and headers); beyond it 431.",
                     &max_header_bytes);
}

void WebServerFlags::apply(http::ServerOptions& options) const {
    options.max_connections = positive_flag("web.max-connections", max_connections);
    options.max_connections_per_client =
        positive_flag("web.max-connections-per-client", max_connections_per_client);
    options.read_header_timeout = duration("web.read-header-timeout", read_header_timeout);
    options.idle_timeout = duration("web.idle-timeout", idle_timeout);
    options.write_timeout = duration("web.write-timeout", write_timeout);
    options.max_header_bytes = positive_flag("web.max-header-bytes", max_header_bytes);
}

}  // namespace stackwatch
