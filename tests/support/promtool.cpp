#include "tests/support/promtool.hpp"

#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "tests/support/process.hpp"

namespace stackwatch::test {

std::vector<std::string> promtool_problems(const std::string& exposition,
                                           const std::set<std::string>& compatibility_prefixes) {
    auto dir = make_temp_dir("stackwatch-promtool");
    auto input = dir / "metrics.prom";
    std::ofstream(input) << exposition;
    auto log = dir / "out.log";
    // promtool reads the exposition on stdin; it exits 3 when it has lint findings only.
    pid_t pid =
        spawn({"sh", "-c",
               "exec " + std::string(kPromtool) + " check metrics < '" + input.string() + "'"},
              {.log_file = log});
    int status = 0;
    waitpid(pid, &status, 0);
    int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::string output = read_tail(log, 1 << 20);
    remove_dir(dir);
    if (exit_code != 0 && exit_code != 3)
        return {"promtool exited " + std::to_string(exit_code) + ": " + output};
    std::vector<std::string> problems;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        bool compatible = false;
        for (const auto& prefix : compatibility_prefixes)
            compatible = compatible || line.starts_with(prefix);
        if (!compatible) problems.push_back(line);
    }
    return problems;
}

}  // namespace stackwatch::test
