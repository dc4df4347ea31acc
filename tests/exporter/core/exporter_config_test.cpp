#include "exporter/exporter_config.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace stackwatch;
using namespace stackwatch::exporter;

namespace {

struct CleanEnv {
    static void clear() {
        for (const char* name : {"DATA_SOURCE_NAME", "DATA_SOURCE_URI", "DATA_SOURCE_USER",
                                 "DATA_SOURCE_PASS", "DATA_SOURCE_PASS_FILE", "REDIS_ADDR",
                                 "REDIS_USER", "REDIS_PASSWORD", "REDIS_PASSWORD_FILE"})
            unsetenv(name);
    }
    CleanEnv() { clear(); }
    ~CleanEnv() { clear(); }
};

std::string write_file(const std::string& name, const std::string& text) {
    auto path = std::filesystem::temp_directory_path() /
                ("stackwatch-cfg-" + std::to_string(getpid()) + "-" + name);
    std::ofstream(path) << text;
    return path.string();
}

std::string load_error(ExporterConfig& config) {
    try {
        load_targets(config);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "<no error>";
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(exporter_config, CleanEnv)

BOOST_AUTO_TEST_CASE(environment_as_the_peers_read_it) {
    setenv("DATA_SOURCE_NAME",
           "postgresql://app:pw@db1:5432/app,host=db2 port=5433 user=x password=y", 1);
    setenv("REDIS_ADDR", "redis://cache:6379", 1);
    setenv("REDIS_USER", "default", 1);
    setenv("REDIS_PASSWORD", "rpw", 1);
    ExporterConfig config;
    load_targets(config);
    BOOST_REQUIRE_EQUAL(config.postgres.size(), 2u);
    BOOST_TEST(config.postgres[0].name == "db1:5432");
    BOOST_TEST(config.postgres[1].name == "db2:5433");
    BOOST_REQUIRE_EQUAL(config.redis.size(), 1u);
    BOOST_TEST(config.redis[0].name == "cache:6379");
    BOOST_TEST(config.redis[0].user == "default");
    BOOST_TEST(config.redis[0].password == "rpw");
}

BOOST_AUTO_TEST_CASE(yaml_targets_with_auth_modules) {
    auto secret = write_file("pw", "from-file\n");
    auto file = write_file("ok.yml",
                           "auth_modules:\n"
                           "  primary:\n"
                           "    type: userpass\n"
                           "    userpass: {username: monitor, password_file: " +
                               secret +
                               "}\n"
                               "    options: {sslmode: disable}\n"
                               "postgres:\n"
                               "  - name: main\n"
                               "    dsn: postgresql://db:5432/postgres\n"
                               "    auth_module: primary\n"
                               "    statement_timeout: 2s\n"
                               "redis:\n"
                               "  - name: sessions\n"
                               "    address: redis://127.0.0.1:6380\n"
                               "    password: p\n"
                               "processes:\n"
                               "  - {name: postgres, pidfile: /var/run/pg.pid}\n");
    ExporterConfig config;
    config.config_file = file;
    load_targets(config);
    BOOST_REQUIRE_EQUAL(config.postgres.size(), 1u);
    BOOST_TEST(config.postgres[0].user == "monitor");
    BOOST_TEST(config.postgres[0].password == "from-file");
    BOOST_TEST(config.postgres[0].options.at("sslmode") == "disable");
    BOOST_TEST(config.postgres[0].statement_timeout.count() == 2000);
    BOOST_TEST(config.redis.at(0).name == "sessions");
    BOOST_TEST(config.processes.at(0).pidfile == "/var/run/pg.pid");
    std::filesystem::remove(file);
    std::filesystem::remove(secret);
}

BOOST_AUTO_TEST_CASE(bad_configs_name_file_line_and_key) {
    struct Case {
        std::string yaml;
        std::string expected;
    };
    std::vector<Case> cases = {
        {"postgres:\n  - name: a\n    dns: x\n", ":3:5: postgres[0].dns: unknown field"},
        {"postgres:\n  - name: a\n", ":2:5: postgres[0].dsn: is required"},
        {"postgres:\n  - dsn: x\n    auth_module: nope\n",
         ":3:18: postgres[0].auth_module: no auth module named \"nope\""},
        {"redis:\n  - address: redis://a:1\n    name: x\n  - address: redis://b:1\n    name: x\n",
         "two targets are named \"x\""},
        {"postgres:\n  - dsn: x\n    statement_timeout: soon\n",
         "postgres[0].statement_timeout: not a valid duration"},
        {"targets: []\n", ":1:1: targets: unknown field"},
        {"redis: {address: x}\n", "redis: must be a list"},
    };
    for (const auto& c : cases) {
        auto file = write_file("bad.yml", c.yaml);
        ExporterConfig config;
        config.config_file = file;
        std::string message = load_error(config);
        BOOST_TEST(message.find(file) == 0u, message);
        BOOST_TEST(message.find(c.expected) != std::string::npos,
                   "expected '" << c.expected << "' in: " << message);
        std::filesystem::remove(file);
    }
}

BOOST_AUTO_TEST_SUITE_END()
