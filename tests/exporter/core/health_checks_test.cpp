#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "exporter/health/health_config.hpp"
#include "exporter/health/system_checks.hpp"

using namespace stackwatch;
using namespace stackwatch::exporter::health;
namespace fs = std::filesystem;

namespace {

struct CgroupDir {
    fs::path root = fs::temp_directory_path() / ("stackwatch-cgroup-" + std::to_string(getpid()));
    CgroupDir() { fs::create_directories(root / "memory"); }
    ~CgroupDir() { fs::remove_all(root); }
    void write(const std::string& file, const std::string& text) const {
        std::ofstream(root / file) << text;
    }
};

std::string config_error(const std::string& yaml) {
    try {
        parse_health_config(ConfigNode::load_string(yaml, "exporter.yml")["health"]);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "<no error>";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(health_checks)

BOOST_AUTO_TEST_CASE(cgroup_v2_limit_and_usage) {
    CgroupDir cg;
    cg.write("memory.current", "104857600\n");
    cg.write("memory.max", "209715200\n");
    auto memory = read_cgroup_memory(cg.root.string());
    BOOST_REQUIRE(memory.has_value());
    BOOST_TEST(memory->usage_bytes == 104857600u);
    BOOST_TEST(*memory->limit_bytes == 209715200u);
    HealthConfig config;
    config.memory_ratio = 0.4;  // 50% used: above the threshold
    auto check = check_memory(config, cg.root.string());
    BOOST_TEST(check["status"] == "degraded");
    BOOST_TEST(check["cgroup"]["usage_ratio"].get<double>() == 0.5);
    config.memory_ratio = 0.9;
    BOOST_TEST(check_memory(config, cg.root.string())["status"] == "ok");
}

BOOST_AUTO_TEST_CASE(cgroup_v2_unlimited_and_v1) {
    CgroupDir cg;
    cg.write("memory.current", "1000\n");
    cg.write("memory.max", "max\n");
    auto v2 = read_cgroup_memory(cg.root.string());
    BOOST_REQUIRE(v2.has_value());
    BOOST_TEST(!v2->limit_bytes.has_value());
    fs::remove(cg.root / "memory.current");
    cg.write("memory/memory.usage_in_bytes", "2000\n");
    cg.write("memory/memory.limit_in_bytes", "9223372036854771712\n");  // v1's "no limit"
    auto v1 = read_cgroup_memory(cg.root.string());
    BOOST_REQUIRE(v1.has_value());
    BOOST_TEST(v1->usage_bytes == 2000u);
    BOOST_TEST(!v1->limit_bytes.has_value());
    fs::remove_all(cg.root / "memory");
    BOOST_TEST(!read_cgroup_memory(cg.root.string()).has_value());
}

BOOST_AUTO_TEST_CASE(rss_threshold) {
    HealthConfig config;
    config.max_rss_bytes = 1;  // any process is above one byte
    auto check = check_memory(config, "/nonexistent");
    BOOST_TEST(check["status"] == "degraded");
    BOOST_TEST(check["rss_bytes"].get<double>() > 1);
}

BOOST_AUTO_TEST_CASE(disk_free_ratio) {
    auto root = check_disk({.path = "/", .min_free_ratio = 0.0});
    BOOST_TEST(root["status"] == "ok");
    BOOST_TEST(root["free_bytes"].get<double>() <= root["total_bytes"].get<double>());
    BOOST_TEST(check_disk({.path = "/", .min_free_ratio = 1.0})["status"] == "degraded");
    auto missing = check_disk({.path = "/nonexistent-stackwatch"});
    BOOST_TEST(missing["status"] == "down");
    BOOST_TEST(missing["error"] == "No such file or directory");
}

BOOST_AUTO_TEST_CASE(config_errors_name_line_and_key) {
    BOOST_TEST(
        config_error("health:\n  disk:\n    - {path: /, min_free_ratio: 2}\n")
                .find(
                    "exporter.yml:3:33: health.disk[0].min_free_ratio: must be between 0 and 1") ==
            0u,
        config_error("health:\n  disk:\n    - {path: /, min_free_ratio: 2}\n"));
    BOOST_TEST(config_error("health:\n  external:\n    - {url: ftp://x}\n")
                   .find("health.external[0].url: must start with http://") != std::string::npos);
    BOOST_TEST(
        config_error("health:\n  cache: often\n").find("health.cache: not a valid duration") !=
        std::string::npos);
    BOOST_TEST(config_error("health:\n  treshold: {}\n").find("health.treshold: unknown field") !=
               std::string::npos);
    auto ok = parse_health_config(ConfigNode::load_string(
        "health:\n  cache: 2s\n  optional_targets: [cache]\n", "e.yml")["health"]);
    BOOST_TEST(ok.cache_for.count() == 2000);
    BOOST_TEST(ok.optional_targets.count("cache") == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
