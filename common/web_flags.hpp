#pragma once
// The connection limits both servers take on the command line, in Prometheus's spelling:
// --web.max-connections, --web.max-connections-per-client, --web.read-header-timeout,
// --web.idle-timeout, --web.write-timeout, --web.max-header-bytes.

#include <string>

#include "common/flags.hpp"
#include "common/http_server.hpp"

namespace stackwatch {

struct WebServerFlags {
    std::string max_connections;
    std::string max_connections_per_client;
    std::string read_header_timeout;
    std::string idle_timeout;
    std::string write_timeout;
    std::string max_header_bytes;

    // The defaults shown in --help are those of `defaults`.
    void add_to(FlagSet& flags, const http::ServerOptions& defaults);
    // Throws std::invalid_argument naming the flag for a value that is not one.
    void apply(http::ServerOptions& options) const;
};

}  // namespace stackwatch
