#pragma once
// Child processes for test servers, with a guardian that cleans up after the test binary even
// when it aborts or is killed: a forked watchdog holds one end of a pipe, and when the pipe
// closes it kills the servers it was told about and deletes their directories.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace stackwatch::test {

struct SpawnOptions {
    std::string run_as;              // system user to switch to when we are root
    std::filesystem::path log_file;  // stdout and stderr go here when set
    std::vector<std::string> env;    // extra NAME=value entries
};

pid_t spawn(const std::vector<std::string>& argv, const SpawnOptions& options = {});
// Runs to completion; returns the exit status, throws with the command and its output on failure.
void run_checked(const std::vector<std::string>& argv, const SpawnOptions& options = {});
// Sends sig, waits up to grace, then SIGKILL. Returns once the process is reaped.
void stop_process(pid_t pid, int sig, std::chrono::milliseconds grace);
bool process_alive(pid_t pid);
bool running_as_root();

// A directory under $TMPDIR owned by `owner` (when root), removed by the guardian if we die.
std::filesystem::path make_temp_dir(const std::string& prefix, const std::string& owner = "");
void remove_dir(const std::filesystem::path& dir);

void guard_pid(pid_t pid);
void unguard_pid(pid_t pid);

std::string read_tail(const std::filesystem::path& file, std::size_t bytes = 2000);

}  // namespace stackwatch::test
