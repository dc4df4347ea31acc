#include <boost/test/unit_test.hpp>

#include <cstdlib>

#include "common/config.hpp"

using namespace stackwatch;
using namespace std::chrono_literals;

namespace {
std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "<no error>";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(parses_prometheus_durations) {
    BOOST_TEST(parse_duration("30s").count() == 30000);
    BOOST_TEST(parse_duration("5m").count() == 300000);
    BOOST_TEST(parse_duration("1h30m").count() == 5400000);
    BOOST_TEST(parse_duration("1d").count() == 86400000);
    BOOST_TEST(parse_duration("2w").count() == 14LL * 86400000);
    BOOST_TEST(parse_duration("1y").count() == 365LL * 86400000);
    BOOST_TEST(parse_duration("150ms").count() == 150);
    BOOST_TEST(parse_duration("1m30s500ms").count() == 90500);
    BOOST_TEST(parse_duration("0").count() == 0);
    BOOST_TEST(parse_duration("0s").count() == 0);
}

BOOST_AUTO_TEST_CASE(rejects_malformed_durations) {
    for (const char* bad : {"", "5", "1.5h", "m", "5x", "30m1h", "1h1h", "-5m", "5 m", "1s5m", " 5m"}) {
        BOOST_TEST_CONTEXT("input '" << bad << "'") {
            BOOST_TEST(!try_parse_duration(bad).has_value());
            BOOST_CHECK_THROW(parse_duration(bad), ConfigError);
        }
    }
}

BOOST_AUTO_TEST_CASE(formats_durations_like_prometheus) {
    BOOST_TEST(format_duration(0ms) == "0s");
    BOOST_TEST(format_duration(90s) == "1m30s");
    BOOST_TEST(format_duration(5400s) == "1h30m");
    BOOST_TEST(format_duration(86400s) == "1d");
    BOOST_TEST(format_duration(14 * 86400s) == "2w");
    BOOST_TEST(format_duration(1500ms) == "1s500ms");
    BOOST_TEST(format_duration(8 * 86400s) == "8d");
}

BOOST_AUTO_TEST_CASE(expands_environment_variables) {
    setenv("SW_TEST_HOST", "db.internal", 1);
    unsetenv("SW_TEST_MISSING");
    BOOST_TEST(expand_env("postgres://${SW_TEST_HOST}:5432") == "postgres://db.internal:5432");
    BOOST_TEST(expand_env("${SW_TEST_MISSING:-fallback}") == "fallback");
    BOOST_TEST(expand_env("cost $$5") == "cost $5");
    BOOST_TEST(expand_env("plain $HOME") == "plain $HOME");
    BOOST_TEST(error_of([] { expand_env("${SW_TEST_MISSING}"); }).find("SW_TEST_MISSING") !=
               std::string::npos);
    BOOST_CHECK_THROW(expand_env("${UNCLOSED"), ConfigError);
    BOOST_CHECK_THROW(expand_env("${1BAD}"), ConfigError);
}

BOOST_AUTO_TEST_CASE(errors_name_file_line_column_and_key) {
    auto root = ConfigNode::load_string("global:\n  scrape_interval: 15s\n  evaluation_intervall: 1m\n",
                                        "ruler.yml");
    auto global = root["global"];
    std::string message = error_of([&] { global.allow_keys({"scrape_interval", "evaluation_interval"}); });
    BOOST_TEST(message.find("ruler.yml:3:3") != std::string::npos, message);
    BOOST_TEST(message.find("global.evaluation_intervall") != std::string::npos, message);
    BOOST_TEST(message.find("unknown field") != std::string::npos, message);

    auto bad_duration = ConfigNode::load_string("interval: 5 minutes\n", "rules.yml");
    message = error_of([&] { bad_duration["interval"].as_duration(); });
    BOOST_TEST(message.find("rules.yml:1:11") != std::string::npos, message);
    BOOST_TEST(message.find("interval") != std::string::npos, message);
    BOOST_TEST(message.find("5 minutes") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(reports_missing_required_keys_at_the_parent) {
    auto root = ConfigNode::load_string("targets:\n  - name: a\n", "exporter.yml");
    auto first = root["targets"].items().at(0);
    std::string message = error_of([&] { first.require_string("dsn"); });
    BOOST_TEST(message.find("exporter.yml:2:5") != std::string::npos, message);
    BOOST_TEST(message.find("targets[0].dsn: is required") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(bad_yaml_names_the_position) {
    std::string message = error_of([] { ConfigNode::load_string("a: [1, 2\nb: c\n", "broken.yml"); });
    BOOST_TEST(message.find("broken.yml:") == 0, message);
    BOOST_TEST(message.find("invalid YAML") != std::string::npos, message);
    message = error_of([] { ConfigNode::load_file("/nonexistent/stackwatch.yml"); });
    BOOST_TEST(message.find("cannot open") != std::string::npos, message);
}

// Found by fuzz/ruler_config_fuzzer: a flow map whose key is a list made allow_keys throw
// yaml-cpp's "bad conversion", which named neither the file nor the key.
BOOST_AUTO_TEST_CASE(keys_that_are_no_strings_are_config_errors) {
    auto root = ConfigNode::load_string(R"(alerting:
  alertmanagers:
  - api_version: v2            # the only one Alertmanager 0.25 serves
    scheme: https
    path_prefix: /am
    timeout: 10s
    basic_auth: {username: ruler, password_file: /run/secrets/am}
    static_configs: [{targets:, ['am-1:9093', 'am-2:9093']}]
)",
                                        "ruler.yml");
    auto config = root["alerting"]["alertmanagers"].items().at(0)["static_configs"].items().at(0);
    std::string message = error_of([&] { config.allow_keys({"targets"}); });
    BOOST_TEST(message.find("ruler.yml:8:33") == 0, message);
    BOOST_TEST(message.find("a key must be a string") != std::string::npos, message);
    message = error_of([&] { config.entries(); });
    BOOST_TEST(message.find("a key must be a string") != std::string::npos, message);
    auto null_key = ConfigNode::load_string("? ~\n: 1\n", "c.yml");
    message = error_of([&] { null_key.entries(); });
    BOOST_TEST(message.find("c.yml:1:") == 0, message);
}

BOOST_AUTO_TEST_CASE(typed_scalars_are_checked) {
    auto root = ConfigNode::load_string("n: twelve\nb: maybe\nlist: notalist\nok: 12\n", "c.yml");
    BOOST_CHECK_THROW(root["n"].as_int(), ConfigError);
    BOOST_CHECK_THROW(root["b"].as_bool(), ConfigError);
    BOOST_CHECK_THROW(root["list"].items(), ConfigError);
    BOOST_TEST(root["ok"].as_int() == 12);
    BOOST_TEST(root.get_int("absent", 7) == 7);
    BOOST_TEST(root.get_duration("absent", 5s).count() == 5000);
}

BOOST_AUTO_TEST_SUITE_END()
