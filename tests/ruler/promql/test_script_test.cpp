#include "ruler/promql/test_script.hpp"

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace stackwatch::promql;

namespace {

const char* kPassing = R"(
# Comments and blank lines are skipped.
load 5m
  requests{job="api"} 0+10x10
  requests{job="db"}  1 _ stale

eval instant at 50m sum(requests)
  {} 100

eval instant at 50m scalar(requests{job="api"})
  100

eval_ordered instant at 5m sort_desc(requests)
  requests{job="api"} 10
  requests{job="db"} 1

eval instant at 10m requests{job="db"}

eval_fail instant at 0m requests * on() group_left requests

clear

eval instant at 0m requests
)";

struct TempDir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("promql-test-" + std::to_string(::getpid()));
    TempDir() { std::filesystem::create_directories(path); }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(path / name) << text;
        return (path / name).string();
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(test_script)

BOOST_AUTO_TEST_CASE(every_eval_command_is_one_passing_case) {
    TestFileResult r = run_promql_test_script("inline", kPassing);
    for (const auto& f : r.failures) BOOST_TEST_MESSAGE(f);
    BOOST_TEST(r.passed == 6);
    BOOST_TEST(r.failed == 0);
}

BOOST_AUTO_TEST_CASE(wrong_expectations_fail_with_their_line) {
    TestFileResult r = run_promql_test_script("inline", R"(load 1m
  up{job="a"} 1 2 3

eval instant at 2m up
  up{job="a"} 4

eval instant at 2m up
  up{job="b"} 3

eval_ordered instant at 2m up
  up{job="a"} 3
  up{job="a", extra="x"} 3

eval_fail instant at 2m up

eval instant at 2m up
  up{job="a"} 3.0000000001
)");
    BOOST_TEST(r.passed == 1);
    BOOST_TEST(r.failed == 4);
    BOOST_TEST_REQUIRE(r.failures.size() == 4u);
    BOOST_TEST(r.failures[0] == R"(inline:4: up: expected 4 for up{job="a"} but got 3)");
    BOOST_TEST(r.failures[1].starts_with("inline:7: up: unexpected metric up{job=\"a\"}"));
    BOOST_TEST(r.failures[2].find("not found") != std::string::npos);
    BOOST_TEST(r.failures[3] == "inline:14: up: expected error evaluating query but got none");
}

BOOST_AUTO_TEST_CASE(broken_commands_are_reported) {
    TestFileResult r = run_promql_test_script(
        "inline", "load 1m\n  up 1\n\nfrobnicate up\n\neval instant at 0m up{\n");
    BOOST_TEST(r.failed == 2);
    BOOST_TEST(r.failures.at(0).starts_with("inline:4: invalid command"));
    BOOST_TEST(r.failures.at(1).find("parse error at line 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(runner_prints_per_file_and_total_counts) {
    TempDir dir;
    std::string good = dir.write("good.test", kPassing);
    std::string bad = dir.write("bad.test", "load 1m\n  up 1\n\neval instant at 0m up\n  up 2\n");
    std::ostringstream out;
    BOOST_TEST(run_promql_tests({good}, out) == 0);
    BOOST_TEST(out.str() == good + ": 6 passed, 0 failed\n6 passed, 0 failed\n");

    std::ostringstream both;
    BOOST_TEST(run_promql_tests({good, bad}, both) == 1);
    std::string text = both.str();
    BOOST_TEST(text.find(bad + ": 0 passed, 1 failed\n  " + bad +
                         ":4: up: expected 2 for up{} but got 1\n") != std::string::npos);
    BOOST_TEST(text.ends_with("\n6 passed, 1 failed\n"));

    std::ostringstream missing;
    BOOST_TEST(run_promql_tests({(dir.path / "nope.test").string()}, missing) == 1);
    BOOST_TEST(missing.str().ends_with("0 passed, 1 failed\n"));
}

BOOST_AUTO_TEST_SUITE_END()
