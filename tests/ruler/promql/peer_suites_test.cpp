// Prometheus 2.42's own PromQL test scripts, read from the shared peer-tests directory.

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>

#include "ruler/promql/test_script.hpp"

namespace fs = std::filesystem;
using stackwatch::promql::run_promql_test_file;

BOOST_AUTO_TEST_CASE(prometheus_promql_test_scripts_pass) {
    const char* shared = std::getenv("STACKWATCH_SHARED_DIR");
    fs::path dir = shared ? fs::path(shared) / "peer-tests" / "promql" : fs::path();
    if (!shared || !fs::is_directory(dir)) {
        BOOST_TEST_MESSAGE(
            "peer suites not found (STACKWATCH_SHARED_DIR/peer-tests/promql): skipped");
        return;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".test") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    BOOST_TEST_REQUIRE(!files.empty());

    int passed = 0, failed = 0;
    for (const auto& file : files) {
        auto result = run_promql_test_file(file.string());
        BOOST_TEST_MESSAGE(file.filename().string()
                           << ": " << result.passed << " passed, " << result.failed << " failed");
        for (const auto& failure : result.failures) BOOST_TEST_MESSAGE("  " << failure);
        passed += result.passed;
        failed += result.failed;
    }
    BOOST_TEST_MESSAGE("total: " << passed << " passed, " << failed << " failed");
    BOOST_TEST(passed > 0);
    BOOST_TEST(failed == 0);
}
