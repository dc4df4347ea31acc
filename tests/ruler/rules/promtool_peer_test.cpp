// Runs check rules and test rules on Prometheus's own promtool test data and requires the
// verdict promtool 2.42 gives for every file: the table below was recorded from Debian's
// promtool, and when /usr/bin/promtool is installed its live verdict is compared as well.
#include <sys/wait.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

#include "ruler/rules/check_rules.hpp"
#include "ruler/rules/unit_test.hpp"

namespace fs = std::filesystem;
using namespace stackwatch::rules;

namespace {

struct Verdict {
    int check_exit;
    bool check_success;  // "SUCCESS: N rules found" printed (a lint finding prints FAILED, exit 0)
    int test_exit;
};

const std::map<std::string, Verdict> kPromtoolVerdicts = {
    {"at-modifier-test.yml", {1, false, 0}},
    {"at-modifier.yml", {0, true, 1}},
    {"bad-input-series.yml", {1, false, 1}},
    {"bad-promql.yml", {1, false, 1}},
    {"bad-rules-error-test.yml", {1, false, 1}},
    {"bad-rules-error.yml", {0, true, 1}},
    {"bad-rules-syntax-test.yml", {1, false, 1}},
    {"bad-rules-syntax.yml", {1, false, 1}},
    {"failing.yml", {1, false, 1}},
    {"long-period.yml", {1, false, 0}},
    {"negative-offset-test.yml", {1, false, 0}},
    {"negative-offset.yml", {0, true, 1}},
    {"rules.yml", {0, true, 1}},
    {"rules_duplicates.yml", {0, false, 1}},
    {"unittest.yml", {1, false, 0}},
};

std::optional<fs::path> peer_dir() {
    const char* shared = std::getenv("STACKWATCH_SHARED_DIR");
    if (shared == nullptr) return std::nullopt;
    fs::path dir = fs::path(shared) / "peer-tests" / "promtool";
    if (!fs::is_directory(dir)) return std::nullopt;
    return dir;
}

std::vector<fs::path> rule_and_test_files(const fs::path& dir) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".yml") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

struct Run {
    int exit_code;
    std::string out;
};

// Runs promtool on `file` (stdout captured, stderr dropped); nullopt when it is not installed.
std::optional<Run> promtool(const std::string& command, const fs::path& file) {
    if (!fs::exists("/usr/bin/promtool")) return std::nullopt;
    std::string cmd = "/usr/bin/promtool " + command + " '" + file.string() + "' 2>/dev/null";
    FILE* pipe = popen(cmd.c_str(), "r");
    if (pipe == nullptr) return std::nullopt;
    std::string out;
    char buf[4096];
    while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
    int status = pclose(pipe);
    return Run{WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string last_line(const std::string& text) {
    auto end = text.find_last_not_of('\n');
    auto start = text.rfind('\n', end);
    return text.substr(start + 1, end - start);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(promtool_peer)

BOOST_AUTO_TEST_CASE(same_verdicts_as_promtool) {
    auto dir = peer_dir();
    if (!dir) {
        BOOST_TEST_MESSAGE("skipped: STACKWATCH_SHARED_DIR/peer-tests/promtool is absent");
        return;
    }
    auto files = rule_and_test_files(*dir);
    BOOST_TEST(!files.empty());
    for (const auto& file : files) {
        std::string name = file.filename().string();
        BOOST_TEST_CONTEXT(name) {
            std::ostringstream check_out, check_err, test_out;
            int check_exit = check_rules({file.string()}, check_out, check_err);
            bool check_success = check_out.str().find("  SUCCESS: ") != std::string::npos;
            int test_exit = test_rules({file.string()}, test_out);
            BOOST_TEST_MESSAGE(name << ": check rules exit " << check_exit << ", test rules "
                                    << last_line(test_out.str()));

            if (auto known = kPromtoolVerdicts.find(name); known != kPromtoolVerdicts.end()) {
                BOOST_TEST(check_exit == known->second.check_exit);
                BOOST_TEST(check_success == known->second.check_success);
                BOOST_TEST(test_exit == known->second.test_exit);
            } else {
                BOOST_TEST_MESSAGE(name
                                   << ": no recorded verdict, compared with live promtool only");
            }
            if (auto live = promtool("check rules", file)) {
                BOOST_TEST(check_exit == live->exit_code);
                BOOST_TEST(check_success == (live->out.find("  SUCCESS: ") != std::string::npos));
                if (check_success) BOOST_TEST(check_out.str() == live->out);
            }
            if (auto live = promtool("test rules", file)) BOOST_TEST(test_exit == live->exit_code);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
