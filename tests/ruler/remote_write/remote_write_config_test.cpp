#include "ruler/remote_write/remote_write_config.hpp"

#include <boost/test/unit_test.hpp>

using namespace stackwatch;
using remote_write::parse_remote_write;

namespace {

std::vector<remote_write::RemoteWriteConfig> parse(const std::string& yaml) {
    return parse_remote_write(ConfigNode::load_string(yaml, "ruler.yml")["remote_write"]);
}

// The error names the file, the line and the key.
void check_error(const std::string& yaml, const std::string& line, const std::string& wanted) {
    BOOST_TEST_CONTEXT(yaml) {
        try {
            parse(yaml);
            BOOST_ERROR("accepted");
        } catch (const ConfigError& e) {
            const std::string what = e.what();
            BOOST_TEST(what.find("ruler.yml:" + line) != std::string::npos, what);
            BOOST_TEST(what.find(wanted) != std::string::npos, what);
        }
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(remote_write_config)

BOOST_AUTO_TEST_CASE(prometheus_shaped_entries_read_with_prometheus_defaults) {
    auto configs = parse(R"(
remote_write:
  - url: http://127.0.0.1:9090/api/v1/write
  - url: https://mimir.example/api/v1/push
    name: mimir
    remote_timeout: 5s
    headers: {X-Scope-OrgID: team-a}
    basic_auth: {username: u, password: p}
    queue_config: {capacity: 500, max_samples_per_send: 100, batch_send_deadline: 1s,
                   min_backoff: 10ms, max_backoff: 1s, retry_on_http_429: true, max_shards: 4}
)");
    BOOST_TEST_REQUIRE(configs.size() == 2u);
    BOOST_TEST(configs[0].name == "http://127.0.0.1:9090/api/v1/write");
    BOOST_TEST(configs[0].remote_timeout.count() == 30000);
    BOOST_TEST(configs[0].queue.capacity == 10000u);
    BOOST_TEST(configs[0].queue.max_samples_per_send == 2000u);
    BOOST_TEST(configs[0].queue.batch_send_deadline.count() == 5000);
    BOOST_TEST(!configs[0].queue.retry_on_http_429);
    BOOST_TEST(configs[1].name == "mimir");
    BOOST_TEST(configs[1].remote_timeout.count() == 5000);
    BOOST_TEST_REQUIRE(configs[1].headers.size() == 1u);
    BOOST_TEST(configs[1].headers[0].second == "team-a");
    BOOST_TEST(configs[1].http.auth.basic_auth.has_value());
    BOOST_TEST(configs[1].queue.capacity == 500u);
    BOOST_TEST(configs[1].queue.max_samples_per_send == 100u);
    BOOST_TEST(configs[1].queue.min_backoff.count() == 10);
    BOOST_TEST(configs[1].queue.retry_on_http_429);
    BOOST_TEST(parse("global: {}\n").empty());
}

BOOST_AUTO_TEST_CASE(bad_entries_name_their_line_and_key) {
    check_error("remote_write:\n  - name: x\n", "2", "url");
    check_error("remote_write:\n  - url: ftp://x/write\n", "2", "url");
    check_error("remote_write:\n  - url: http://x/write\n    urll: y\n", "3", "urll");
    check_error("remote_write:\n  - url: http://x/write\n    headers: {Content-Type: text/plain}\n",
                "3", "set by the remote-write protocol");
    check_error(
        "remote_write:\n  - url: http://x/write\n    write_relabel_configs: [{action: drop}]\n",
        "3", "not supported");
    check_error("remote_write:\n  - url: http://x/write\n    queue_config: {capacity: 0}\n", "3",
                "capacity");
    check_error(
        "remote_write:\n  - url: http://x/write\n    queue_config: {min_backoff: 2s, max_backoff: "
        "1s}\n",
        "3", "max_backoff");
    check_error("remote_write:\n  - url: http://x/write\n  - url: http://x/write\n", "3",
                "earlier remote_write entry");
    check_error(
        "remote_write:\n  - url: http://x/write\n    basic_auth: {username: u}\n    "
        "authorization: {credentials: c}\n",
        "", "basic_auth");
}

BOOST_AUTO_TEST_SUITE_END()
