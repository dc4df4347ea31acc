#include <boost/test/unit_test.hpp>

#include <fstream>

#include "tests/exporter/e2e/exporter_fixture.hpp"
#include "tests/support/process.hpp"

using namespace stackwatch;
using namespace stackwatch::test;

BOOST_AUTO_TEST_SUITE(exporter_cli)

BOOST_AUTO_TEST_CASE(help_version_and_unknown_flags) {
    auto help = run_program({"stackwatch-exporter", "--help"});
    BOOST_TEST(help.exit_code == 0);
    BOOST_TEST(help.output.find("--web.listen-address") != std::string::npos);
    BOOST_TEST(help.output.find("--[no-]collector.stat_statements") != std::string::npos);
    auto version = run_program({"stackwatch-exporter", "--version"});
    BOOST_TEST(version.exit_code == 0);
    BOOST_TEST(version.output.starts_with("stackwatch-exporter version "));
    auto bad = run_program({"stackwatch-exporter", "--web.listen-adress=:1"});
    BOOST_TEST(bad.exit_code == 2);
    BOOST_TEST(bad.output.find("unknown long flag '--web.listen-adress'") != std::string::npos, bad.output);
}

BOOST_AUTO_TEST_CASE(bad_config_files_exit_with_file_line_and_key) {
    auto dir = make_temp_dir("stackwatch-badcfg");
    auto config = dir / "exporter.yml";
    std::ofstream(config) << "postgres:\n  - name: x\n    dsn: postgresql://u:supersecret@127.0.0.1:1/db\n    bogus: 1\n";
    auto r = run_program({"stackwatch-exporter", "--config.file=" + config.string()});
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(r.output.find(config.string() + ":4:5: postgres[0].bogus: unknown field") != std::string::npos, r.output);
    BOOST_TEST(r.output.find("supersecret") == std::string::npos, r.output);

    std::ofstream(config) << "redis:\n  - address: rediss://127.0.0.1:6379\n";
    r = run_program({"stackwatch-exporter", "--config.file=" + config.string()});
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(r.output.find("rediss") != std::string::npos, r.output);

    r = run_program({"stackwatch-exporter", "--config.file=" + (dir / "missing.yml").string()});
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(r.output.find("cannot open file") != std::string::npos, r.output);

    r = run_program({"stackwatch-exporter", "--log.level=loud"});
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(r.output.find("unknown log level") != std::string::npos, r.output);
    remove_dir(dir);
}

BOOST_AUTO_TEST_CASE(targets_from_the_peers_environment) {
    auto& pg = shared_postgres();
    auto& redis = shared_redis();
    Program exporter({"stackwatch-exporter"},
                     {"DATA_SOURCE_NAME=" + pg.uri(), "REDIS_ADDR=" + redis.address(),
                      "REDIS_PASSWORD=" + redis.password()});
    exporter.wait_until_serving("/health/live");
    auto body = http::get(exporter.url("/metrics")).body;
    BOOST_TEST(sample_value(body, "pg_up") == 1.0);
    BOOST_TEST(sample_value(body, "redis_up") == 1.0);
    auto landing = http::get(exporter.url("/"));
    BOOST_TEST(landing.status == 200);
    BOOST_TEST(landing.body.find("127.0.0.1:" + std::to_string(pg.port())) != std::string::npos, landing.body);
    BOOST_TEST(landing.body.find(pg.password()) == std::string::npos);
    BOOST_TEST(landing.body.find(redis.password()) == std::string::npos);
    BOOST_TEST(exporter.output().find(pg.password()) == std::string::npos);
    BOOST_TEST(exporter.stop() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
