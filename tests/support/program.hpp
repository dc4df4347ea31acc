#pragma once
// One of our own binaries (build/bin/...) run as a real process for end-to-end tests, on a free
// loopback port, stopped with SIGTERM when the test is done.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace stackwatch::test {

std::filesystem::path bin_dir();  // $STACKWATCH_BIN_DIR, set by ctest

class Program {
  public:
    // argv[0] is a name under bin_dir(); "--web.listen-address=127.0.0.1:<port>" is appended,
    // with a free port unless one is given (a program whose config names its own address).
    Program(std::vector<std::string> argv, std::vector<std::string> env = {}, int port = 0);
    ~Program();
    Program(const Program&) = delete;
    Program& operator=(const Program&) = delete;

    int port() const { return port_; }
    std::string url(const std::string& path = "/") const;
    pid_t pid() const { return pid_; }
    std::string output() const;  // what it printed so far
    // Polls `path` until it answers (any HTTP status); throws with the output if the process
    // exits or nothing answers within the bound.
    void wait_until_serving(const std::string& path = "/health/live");
    int stop();        // SIGTERM; returns the exit status
    void kill_hard();  // SIGKILL, as a crash or the OOM killer would, and reap it

  private:
    std::filesystem::path dir_;
    int port_ = 0;
    pid_t pid_ = -1;
};

// Runs a binary to completion (no server): its exit code and combined output.
struct RunResult {
    int exit_code;
    std::string output;
};
RunResult run_program(const std::vector<std::string>& argv,
                      const std::vector<std::string>& env = {});

}  // namespace stackwatch::test
