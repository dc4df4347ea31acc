#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/logging.hpp"

namespace fs = std::filesystem;
namespace swlog = stackwatch::log;

namespace {

struct LogDir {
    fs::path dir = fs::temp_directory_path() / ("stackwatch-logtest-" + std::to_string(::getpid()));
    LogDir() { fs::remove_all(dir); }
    ~LogDir() {
        swlog::init({.to_stdout = false});
        fs::remove_all(dir);
    }
    std::vector<std::string> lines(const std::string& file) const {
        swlog::flush();
        std::ifstream in(dir / file);
        std::vector<std::string> out;
        for (std::string line; std::getline(in, line);) out.push_back(line);
        return out;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(logging)

BOOST_AUTO_TEST_CASE(json_lines_have_the_runbook_shape) {
    LogDir logs;
    swlog::init({.level = "debug", .dir = logs.dir.string(), .to_stdout = false});
    swlog::info("user logged in", {{"userId", "user123"}, {"requestId", "req_123"}});
    auto lines = logs.lines("combined.log");
    BOOST_REQUIRE_EQUAL(lines.size(), 1u);
    auto j = nlohmann::json::parse(lines[0]);
    BOOST_TEST(j["level"] == "info");
    BOOST_TEST(j["message"] == "user logged in");
    BOOST_TEST(j["context"]["userId"] == "user123");
    BOOST_TEST(j["context"]["requestId"] == "req_123");
    std::string ts = j["timestamp"];
    BOOST_TEST(ts.size() == 24u);  // 2024-01-15T10:30:00.000Z
    BOOST_TEST(ts.back() == 'Z');
    BOOST_TEST(ts[19] == '.');
}

BOOST_AUTO_TEST_CASE(levels_route_to_the_right_files) {
    LogDir logs;
    swlog::init({.level = "info", .dir = logs.dir.string(), .to_stdout = false});
    swlog::debug("hidden");
    swlog::info("kept");
    swlog::error("database down", {{"target", "main"}});
    swlog::access("GET /metrics", {{"status", 200}});
    swlog::exception("uncaught exception: boom");
    auto combined = logs.lines("combined.log");
    BOOST_TEST(combined.size() == 2u);
    auto errors = logs.lines("error.log");
    BOOST_REQUIRE_EQUAL(errors.size(), 2u);
    BOOST_TEST(nlohmann::json::parse(errors[0])["message"] == "database down");
    BOOST_TEST(nlohmann::json::parse(errors[1])["level"] == "fatal");
    auto access = logs.lines("access.log");
    BOOST_REQUIRE_EQUAL(access.size(), 1u);
    BOOST_TEST(nlohmann::json::parse(access[0])["context"]["status"] == 200);
    BOOST_TEST(logs.lines("exceptions.log").size() == 1u);
}

BOOST_AUTO_TEST_CASE(secrets_never_reach_the_files) {
    LogDir logs;
    swlog::init({.dir = logs.dir.string(), .to_stdout = false});
    swlog::error("cannot connect to postgresql://app:s3cr3t@db/main",
               {{"dsn", "host=db password=s3cr3t"}, {"nested", {{"url", "redis://:pw9@r:6379"}}}});
    auto lines = logs.lines("combined.log");
    BOOST_REQUIRE_EQUAL(lines.size(), 1u);
    BOOST_TEST(lines[0].find("s3cr3t") == std::string::npos, lines[0]);
    BOOST_TEST(lines[0].find("pw9") == std::string::npos, lines[0]);
    BOOST_TEST(lines[0].find("app:***@db") != std::string::npos, lines[0]);
}

BOOST_AUTO_TEST_CASE(files_rotate_at_the_configured_size_and_count) {
    LogDir logs;
    const std::size_t max_bytes = 4096;
    swlog::init({.dir = logs.dir.string(), .to_stdout = false, .max_file_bytes = max_bytes,
               .combined_files = 3, .error_files = 2});
    std::string padding(200, 'x');
    for (int i = 0; i < 400; ++i) swlog::error("line " + std::to_string(i) + " " + padding);
    swlog::flush();
    BOOST_TEST(fs::exists(logs.dir / "combined.log"));
    BOOST_TEST(fs::exists(logs.dir / "combined.1.log"));
    BOOST_TEST(fs::exists(logs.dir / "combined.2.log"));
    BOOST_TEST(!fs::exists(logs.dir / "combined.3.log"));
    BOOST_TEST(fs::exists(logs.dir / "error.1.log"));
    BOOST_TEST(!fs::exists(logs.dir / "error.2.log"));
    for (const char* file : {"combined.log", "combined.1.log", "combined.2.log", "error.1.log"})
        BOOST_TEST(fs::file_size(logs.dir / file) <= max_bytes, file);
    // The newest line is in the live file, and nothing in the kept files is out of order.
    auto live = logs.lines("combined.log");
    BOOST_REQUIRE(!live.empty());
    BOOST_TEST(nlohmann::json::parse(live.back())["message"].get<std::string>().starts_with("line 399 "));
}

BOOST_AUTO_TEST_CASE(logfmt_format) {
    LogDir logs;
    swlog::init({.format = swlog::Format::logfmt, .dir = logs.dir.string(), .to_stdout = false});
    swlog::warn("slow query", {{"target", "main db"}, {"ms", 1200}});
    auto lines = logs.lines("combined.log");
    BOOST_REQUIRE_EQUAL(lines.size(), 1u);
    BOOST_TEST(lines[0].find("level=warn msg=\"slow query\"") != std::string::npos, lines[0]);
    BOOST_TEST(lines[0].find(" target=\"main db\"") != std::string::npos, lines[0]);
    BOOST_TEST(lines[0].find(" ms=1200") != std::string::npos, lines[0]);
}

BOOST_AUTO_TEST_CASE(bad_options_are_rejected) {
    BOOST_CHECK_THROW(swlog::init({.level = "verbose"}), std::invalid_argument);
    BOOST_CHECK_THROW(swlog::parse_format("xml"), std::invalid_argument);
    BOOST_CHECK_THROW(swlog::init({.dir = "/proc/stackwatch-cannot-create"}), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
