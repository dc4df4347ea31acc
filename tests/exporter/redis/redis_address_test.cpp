#include "exporter/redis/redis_address.hpp"

#include <boost/test/unit_test.hpp>

#include "common/config.hpp"

using stackwatch::ConfigError;
using stackwatch::exporter::redis::parse_redis_address;
using Transport = stackwatch::exporter::redis::RedisEndpoint::Transport;

BOOST_AUTO_TEST_SUITE(redis_address)

BOOST_AUTO_TEST_CASE(tcp_url_with_default_port) {
    auto endpoint = parse_redis_address("redis://cache.internal");
    BOOST_TEST((endpoint.transport == Transport::tcp));
    BOOST_TEST(endpoint.host == "cache.internal");
    BOOST_TEST(endpoint.port == 6379);
    BOOST_TEST(endpoint.display() == "cache.internal:6379");
}

BOOST_AUTO_TEST_CASE(bare_host_port_and_database_path) {
    BOOST_TEST(parse_redis_address("10.0.0.5:6380").port == 6380);
    auto endpoint = parse_redis_address("redis://10.0.0.5:6380/2");
    BOOST_TEST(endpoint.host == "10.0.0.5");
    BOOST_TEST(endpoint.port == 6380);
}

BOOST_AUTO_TEST_CASE(ipv6_in_brackets) {
    auto endpoint = parse_redis_address("redis://[::1]:7000");
    BOOST_TEST(endpoint.host == "::1");
    BOOST_TEST(endpoint.port == 7000);
    BOOST_TEST(endpoint.display() == "[::1]:7000");
}

BOOST_AUTO_TEST_CASE(credentials_from_options_and_url) {
    auto from_options = parse_redis_address("redis://h:1", "app", "opt-secret");
    BOOST_TEST(from_options.user == "app");
    BOOST_TEST(from_options.password == "opt-secret");
    auto from_url = parse_redis_address("redis://svc:p%40ss%3Aword@h:1", "app", "opt-secret");
    BOOST_TEST(from_url.user == "svc");
    BOOST_TEST(from_url.password == "p@ss:word");
    BOOST_TEST(from_url.display() == "h:1");
    auto password_only = parse_redis_address("redis://:only@h:1");
    BOOST_TEST(password_only.user.empty());
    BOOST_TEST(password_only.password == "only");
}

BOOST_AUTO_TEST_CASE(user_without_password_is_dropped) {
    auto endpoint = parse_redis_address("redis://h:1", "app", "");
    BOOST_TEST(endpoint.user.empty());
}

BOOST_AUTO_TEST_CASE(unix_socket) {
    auto endpoint = parse_redis_address("unix:///run/redis/redis.sock");
    BOOST_TEST((endpoint.transport == Transport::unix_socket));
    BOOST_TEST(endpoint.path == "/run/redis/redis.sock");
    BOOST_TEST(endpoint.display() == "/run/redis/redis.sock");
    BOOST_CHECK_THROW(parse_redis_address("unix://relative.sock"), ConfigError);
}

BOOST_AUTO_TEST_CASE(tls_is_refused_with_the_reason_and_without_the_password) {
    try {
        parse_redis_address("rediss://user:tls-secret@cache:6380");
        BOOST_FAIL("rediss:// was accepted");
    } catch (const ConfigError& e) {
        std::string message = e.what();
        BOOST_TEST(message.find("TLS is not supported by the hiredis in Debian 12") !=
                   std::string::npos);
        BOOST_TEST(message.find("tls-secret") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(malformed_addresses) {
    BOOST_CHECK_THROW(parse_redis_address("http://h:1"), ConfigError);
    BOOST_CHECK_THROW(parse_redis_address("redis://h:0"), ConfigError);
    BOOST_CHECK_THROW(parse_redis_address("redis://h:70000"), ConfigError);
    BOOST_CHECK_THROW(parse_redis_address("redis://h:12ab"), ConfigError);
    BOOST_CHECK_THROW(parse_redis_address("redis://:1"), ConfigError);
    BOOST_CHECK_THROW(parse_redis_address("redis://h:1/db"), ConfigError);
    BOOST_CHECK_THROW(parse_redis_address("redis://[::1:1"), ConfigError);
    BOOST_CHECK_THROW(parse_redis_address("redis://u:%zz@h:1"), ConfigError);
}

BOOST_AUTO_TEST_SUITE_END()
