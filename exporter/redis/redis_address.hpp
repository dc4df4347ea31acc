#pragma once
// Where a Redis server listens and how to log in, parsed from redis_exporter-style addresses:
// redis://[user[:password]@]host[:port][/db], host:port, unix://[user[:password]@]/path.

#include <string>
#include <string_view>

namespace stackwatch::exporter::redis {

struct RedisEndpoint {
    enum class Transport { tcp, unix_socket };
    Transport transport = Transport::tcp;
    std::string host;  // tcp
    int port = 6379;   // tcp
    std::string path;  // unix_socket
    std::string user;
    std::string password;

    // "host:port" or the socket path: safe for labels and logs, never carries the password.
    std::string display() const;
};

// Throws stackwatch::ConfigError for unsupported schemes (rediss:// needs TLS, which the hiredis
// shipped with Debian 12 lacks) and malformed addresses. Credentials in the URL win over the
// explicit ones, as with redis_exporter; a user without a password is ignored, because AUTH needs
// one.
RedisEndpoint parse_redis_address(std::string_view address, const std::string& user = "",
                                  const std::string& password = "");

}  // namespace stackwatch::exporter::redis
