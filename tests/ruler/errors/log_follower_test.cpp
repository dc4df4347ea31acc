// Following an application's error.log as tail -F does, on real files: complete lines only,
// levels below the minimum and non-JSON lines skipped, rotation by rename (the old file read to
// its end), truncation, and restarts (also across a rotation) that neither lose nor repeat lines.

#include "ruler/errors/log_follower.hpp"

#include <prometheus/registry.h>

#include <boost/test/unit_test.hpp>
#include <fstream>

#include "tests/support/eventually.hpp"
#include "tests/support/process.hpp"

using namespace stackwatch;
using namespace stackwatch::errors;
using namespace std::chrono_literals;

namespace {

std::string line(const std::string& message, const std::string& level = "error") {
    return R"({"timestamp":"2024-01-15T10:30:00.000Z","level":")" + level + R"(","message":")" +
           message + R"(","context":{"requestId":"req_1"}})" + "\n";
}

struct FollowerFixture {
    std::filesystem::path dir = test::make_temp_dir("stackwatch-logs");
    std::filesystem::path log = dir / "error.log";
    prometheus::Registry registry;
    std::unique_ptr<ErrorTracker> tracker =
        std::make_unique<ErrorTracker>(TrackerOptions{.path = (dir / "errors.db").string(),
                                                      .limits = {.max_events_per_group = 1000}},
                                       registry);
    std::unique_ptr<LogFollower> follower;

    FollowerFixture() { start(); }
    ~FollowerFixture() {
        follower.reset();
        tracker.reset();
        test::remove_dir(dir);
    }
    void start() {
        follower = std::make_unique<LogFollower>(*tracker, (dir / "errors.db").string(), 20ms);
        follower->set_files({{.path = log.string(), .service = "api", .min_level = "error"}});
    }
    void append(const std::filesystem::path& path, const std::string& text) const {
        std::ofstream(path, std::ios::app) << text;
    }
    std::vector<std::string> messages() const {
        std::vector<std::string> out;
        for (const auto& e : tracker->store().recent_events(Glob("*"), 1000))
            out.push_back(e.message);
        std::sort(out.begin(), out.end());
        return out;
    }
    bool has(const std::vector<std::string>& expected) const { return messages() == expected; }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(log_follower, FollowerFixture)

BOOST_AUTO_TEST_CASE(complete_error_lines_are_tracked) {
    append(log, line("a") + line("just info", "info") + "not json at all\n" + line("b", "fatal"));
    BOOST_REQUIRE(test::eventually([&] { return has({"a", "b"}); }));
    auto event = tracker->store().recent_events(Glob("*"), 1).front();
    BOOST_TEST(event.source == "log");
    BOOST_TEST(event.service == "api");
    BOOST_TEST(event.context["requestId"] == "req_1");

    // A writer in the middle of its line: the complete line before it is read in the same pass,
    // the half one waits for its end.
    auto half = line("c");
    append(log, line("x") + half.substr(0, 20));
    BOOST_REQUIRE(test::eventually([&] { return has({"a", "b", "x"}); }));
    append(log, half.substr(20));
    BOOST_REQUIRE(test::eventually([&] { return has({"a", "b", "c", "x"}); }));
}

BOOST_AUTO_TEST_CASE(rotation_reads_the_old_file_to_its_end_then_the_new_one) {
    append(log, line("before"));
    BOOST_REQUIRE(test::eventually([&] { return has({"before"}); }));
    std::filesystem::rename(log, dir / "error.log.1");
    append(dir / "error.log.1", line("late in the old file"));
    append(log, line("first in the new file"));
    BOOST_REQUIRE(test::eventually([&] {
        return has({"before", "first in the new file", "late in the old file"});
    }));
}

BOOST_AUTO_TEST_CASE(a_truncated_file_is_read_from_its_start) {
    append(log, line("one") + line("two"));
    BOOST_REQUIRE(test::eventually([&] { return has({"one", "two"}); }));
    std::filesystem::resize_file(log, 0);
    append(log, line("three"));
    BOOST_REQUIRE(test::eventually([&] { return has({"one", "three", "two"}); }));
}

BOOST_AUTO_TEST_CASE(a_restart_neither_loses_nor_repeats_lines) {
    append(log, line("one"));
    BOOST_REQUIRE(test::eventually([&] { return has({"one"}); }));
    follower.reset();
    append(log, line("while down"));
    std::filesystem::rename(log, dir / "error.log.1");  // and rotated while it was down
    append(log, line("after rotation"));
    start();
    BOOST_REQUIRE(test::eventually([&] { return has({"after rotation", "one", "while down"}); }));
    auto groups = tracker->store().groups({});
    std::int64_t total = 0;
    for (const auto& g : groups) total += g.count;
    BOOST_TEST(total == 3);  // counts exactly, so nothing was stored twice
}

BOOST_AUTO_TEST_CASE(a_bad_log_files_section_names_the_field) {
    try {
        parse_log_files(ConfigNode::load_string("- {path: a.log, min_level: loud}\n", "ruler.yml"));
        BOOST_FAIL("accepted");
    } catch (const ConfigError& e) {
        BOOST_TEST(std::string(e.what()).find("min_level") != std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_SUITE_END()
