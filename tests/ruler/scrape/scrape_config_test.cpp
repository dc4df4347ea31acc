#include "ruler/scrape/scrape_config.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>

#include "tests/support/process.hpp"

using namespace stackwatch;
using namespace stackwatch::scrape;
using namespace std::chrono_literals;

namespace {

std::vector<ScrapeConfig> parse(const std::string& yaml) {
    return parse_scrape_configs(ConfigNode::load_string(yaml, "ruler.yml"));
}

std::string error_of(const std::string& yaml) {
    try {
        parse(yaml);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "<no error>";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(scrape_config)

BOOST_AUTO_TEST_CASE(reads_prometheus_shape_with_global_defaults) {
    auto configs = parse(R"(
global:
  scrape_interval: 30s
  scrape_timeout: 20s
  evaluation_interval: 1m
scrape_configs:
  - job_name: exporter
    static_configs:
      - targets: ["localhost:9187", "db:9187"]
        labels: {env: prod}
  - job_name: fast
    scrape_interval: 5s
    scrape_timeout: 2s
    metrics_path: /probe
    scheme: https
    params: {module: [http_2xx, tcp]}
    honor_labels: true
    honor_timestamps: false
    sample_limit: 1000
    basic_auth: {username: scraper, password: s3cret}
    static_configs: [{targets: ["h:1"]}]
  - job_name: capped
    scrape_interval: 10s
)");
    BOOST_REQUIRE(configs.size() == 3u);
    const auto& exporter = configs[0];
    BOOST_TEST(exporter.scrape_interval.count() == 30000);
    BOOST_TEST(exporter.scrape_timeout.count() == 20000);
    BOOST_TEST(exporter.metrics_path == "/metrics");
    BOOST_TEST(exporter.scheme == "http");
    BOOST_TEST(!exporter.honor_labels);
    BOOST_TEST(exporter.honor_timestamps);
    BOOST_TEST(exporter.static_configs[0].targets.size() == 2u);
    BOOST_TEST(exporter.static_configs[0].labels.at("env") == "prod");
    const auto& fast = configs[1];
    BOOST_TEST(fast.scrape_interval.count() == 5000);
    BOOST_TEST(fast.scrape_timeout.count() == 2000);
    BOOST_TEST(fast.metrics_path == "/probe");
    BOOST_TEST(fast.scheme == "https");
    BOOST_TEST((fast.params.at("module") == std::vector<std::string>{"http_2xx", "tcp"}));
    BOOST_TEST(fast.honor_labels);
    BOOST_TEST(!fast.honor_timestamps);
    BOOST_TEST(fast.sample_limit == 1000u);
    BOOST_TEST(fast.auth.basic_auth->username == "scraper");
    BOOST_TEST(fast.auth.basic_auth->password == "s3cret");
    // An inherited timeout never exceeds the job's own interval.
    BOOST_TEST(configs[2].scrape_timeout.count() == 10000);
}

BOOST_AUTO_TEST_CASE(uses_prometheus_defaults_without_global) {
    auto configs = parse("scrape_configs: [{job_name: a}]");
    BOOST_TEST(configs[0].scrape_interval.count() == 60000);
    BOOST_TEST(configs[0].scrape_timeout.count() == 10000);
}

BOOST_AUTO_TEST_CASE(rejects_invalid_configs_with_their_location) {
    struct Case {
        std::string yaml;
        std::string message;
    };
    const std::vector<Case> cases = {
        {"scrape_configs:\n  - job_name: a\n    scrape_intervall: 5s\n",
         "ruler.yml:3:5: scrape_configs[0].scrape_intervall: unknown field"},
        {"scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 6s\n",
         "ruler.yml:4:21: scrape_configs[0].scrape_timeout: scrape timeout greater than scrape "
         "interval for scrape config with job name \"a\""},
        {"global: {scrape_interval: 5s, scrape_timeout: 6s}\n",
         "global scrape timeout greater than scrape interval"},
        {"scrape_configs:\n  - job_name: a\n  - job_name: a\n",
         "ruler.yml:3:15: scrape_configs[1].job_name: found multiple scrape configs with job name "
         "\"a\""},
        {"scrape_configs: [{job_name: a, scheme: ftp}]", "must be http or https"},
        {"scrape_configs: [{job_name: a, scrape_interval: 5x}]", "not a valid duration"},
        {"scrape_configs: [{scrape_interval: 5s}]", "scrape_configs[0].job_name: is required"},
        {"scrape_configs: [{job_name: a, static_configs: [{targets: [\"http://h:1/metrics\"]}]}]",
         "\"http://h:1/metrics\" is not a valid hostname"},
        {"scrape_configs: [{job_name: a, static_configs: [{targets: [h], labels: {1x: y}}]}]",
         "\"1x\" is not a valid label name"},
        {"scrape_configs: [{job_name: a, basic_auth: {username: u, password: p, password_file: "
         "f}}]",
         "at most one of basic_auth password & password_file must be configured"},
        {"scrape_configs: [{job_name: a, basic_auth: {username: u}, authorization: {credentials: "
         "t}}]",
         "at most one of basic_auth & authorization must be configured"},
        {"scrape_configs: [{job_name: a, authorization: {type: Basic, credentials: t}}]",
         "authorization type cannot be set to \"basic\""},
        {"scrape_configs: [{job_name: a, authorization: {credentials: t, credentials_file: f}}]",
         "at most one of authorization credentials & credentials_file"},
        {"scrape_configs: [{job_name: a, sample_limit: -1}]", "must not be negative"},
        {"scrape_configs: [{job_name: a, metrics_path: metrics}]", "must start with '/'"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.yaml) {
            std::string error = error_of(c.yaml);
            BOOST_TEST(error.find(c.message) != std::string::npos, error);
        }
    }
}

BOOST_AUTO_TEST_CASE(reads_secrets_from_files_relative_to_the_config) {
    auto dir = test::make_temp_dir("stackwatch-scrape-config");
    std::ofstream(dir / "password") << "  from-file\n";
    std::ofstream(dir / "token") << "tok\n";
    std::ofstream(dir / "ruler.yml")
        << "scrape_configs:\n"
           "  - job_name: a\n"
           "    basic_auth: {username: u, password_file: password}\n"
           "  - job_name: b\n"
           "    authorization: {credentials_file: token}\n"
           "  - job_name: c\n"
           "    authorization: {type: Token, credentials_file: gone}\n";
    auto configs = parse_scrape_configs(ConfigNode::load_file((dir / "ruler.yml").string()));
    http::ClientRequest basic;
    configs[0].auth.apply(basic);
    BOOST_TEST(basic.basic_user == "u");
    BOOST_TEST(basic.basic_password == "from-file");
    http::ClientRequest bearer;
    configs[1].auth.apply(bearer);
    BOOST_REQUIRE(bearer.headers.size() == 1u);
    BOOST_TEST(bearer.headers[0].first == "Authorization");
    BOOST_TEST(bearer.headers[0].second == "Bearer tok");
    http::ClientRequest missing;
    BOOST_CHECK_EXCEPTION(
        configs[2].auth.apply(missing), std::runtime_error, [&](const std::runtime_error& e) {
            return std::string(e.what()).find((dir / "gone").string()) != std::string::npos;
        });
    test::remove_dir(dir);
}

BOOST_AUTO_TEST_CASE(encodes_query_strings) {
    BOOST_TEST(encode_query({{"query", "up{job=\"a b\"}"}, {"time", "1.5"}}) ==
               "query=up%7Bjob%3D%22a%20b%22%7D&time=1.5");
    BOOST_TEST(encode_query({}) == "");
}

BOOST_AUTO_TEST_SUITE_END()
