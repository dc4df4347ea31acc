#include "exporter/redis/redis_address.hpp"

#include <charconv>

#include "common/config.hpp"
#include "common/redact.hpp"

namespace stackwatch::exporter::redis {
namespace {

[[noreturn]] void reject(std::string_view address, const std::string& why) {
    throw ConfigError("redis address \"" + redact(address) + "\": " + why);
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Userinfo is percent-encoded in URLs, so passwords with ':' or '@' can be written.
std::string percent_decode(std::string_view text, std::string_view address) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        int high = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
        int low = high >= 0 ? hex_digit(text[i + 2]) : -1;
        if (low < 0) reject(address, "bad percent-encoding in the credentials");
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

// Splits "user:password@rest" into the endpoint's credentials and returns "rest".
std::string_view take_userinfo(std::string_view rest, std::string_view address,
                               RedisEndpoint& endpoint) {
    auto at = rest.rfind('@');
    if (at == std::string_view::npos) return rest;
    auto userinfo = rest.substr(0, at);
    auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
        endpoint.user = percent_decode(userinfo, address);
    } else {
        endpoint.user = percent_decode(userinfo.substr(0, colon), address);
        endpoint.password = percent_decode(userinfo.substr(colon + 1), address);
    }
    return rest.substr(at + 1);
}

void parse_host_port(std::string_view hostport, std::string_view address, RedisEndpoint& endpoint) {
    std::string_view port_text;
    if (!hostport.empty() && hostport.front() == '[') {  // [::1]:6379
        auto close = hostport.find(']');
        if (close == std::string_view::npos) reject(address, "unterminated IPv6 address");
        endpoint.host = std::string(hostport.substr(1, close - 1));
        auto after = hostport.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') reject(address, "expected ':' after the IPv6 address");
            port_text = after.substr(1);
        }
    } else {
        auto colon = hostport.rfind(':');
        endpoint.host = std::string(hostport.substr(0, colon));
        if (colon != std::string_view::npos) port_text = hostport.substr(colon + 1);
    }
    if (endpoint.host.empty()) reject(address, "no host");
    if (port_text.empty()) return;
    int port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 || port > 65535)
        reject(address, "bad port \"" + std::string(port_text) + "\"");
    endpoint.port = port;
}

void parse_tcp(std::string_view rest, std::string_view address, RedisEndpoint& endpoint) {
    rest = take_userinfo(rest, address, endpoint);
    auto slash = rest.find('/');
    if (slash != std::string_view::npos) {
        // A database number is accepted for compatibility; every metric is server-wide, so it
        // changes nothing here.
        auto db = rest.substr(slash + 1);
        if (db.find_first_not_of("0123456789") != std::string_view::npos)
            reject(address, "the path may only be a database number");
        rest = rest.substr(0, slash);
    }
    parse_host_port(rest, address, endpoint);
}

}  // namespace

std::string RedisEndpoint::display() const {
    if (transport == Transport::unix_socket) return path;
    bool ipv6 = host.find(':') != std::string::npos;
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

RedisEndpoint parse_redis_address(std::string_view address, const std::string& user,
                                  const std::string& password) {
    RedisEndpoint endpoint;
    endpoint.user = user;
    endpoint.password = password;
    auto scheme_end = address.find("://");
    std::string_view scheme =
        scheme_end == std::string_view::npos ? "redis" : address.substr(0, scheme_end);
    std::string_view rest =
        scheme_end == std::string_view::npos ? address : address.substr(scheme_end + 3);
    if (scheme == "rediss")
        reject(address,
               "TLS is not supported by the hiredis in Debian 12 (0.14 has no TLS); "
               "use redis:// or a unix:// socket, e.g. through a local TLS tunnel");
    if (scheme == "redis") {
        parse_tcp(rest, address, endpoint);
    } else if (scheme == "unix") {
        endpoint.transport = RedisEndpoint::Transport::unix_socket;
        endpoint.path = std::string(take_userinfo(rest, address, endpoint));
        if (endpoint.path.empty() || endpoint.path.front() != '/')
            reject(address, "a unix socket needs an absolute path, as in unix:///run/redis.sock");
    } else {
        reject(address,
               "unsupported scheme \"" + std::string(scheme) + "\" (use redis:// or unix://)");
    }
    if (endpoint.password.empty()) endpoint.user.clear();
    return endpoint;
}

}  // namespace stackwatch::exporter::redis
