#include "tests/support/program.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <stdexcept>
#include <thread>

#include "common/http_client.hpp"
#include "tests/support/ports.hpp"
#include "tests/support/process.hpp"

namespace stackwatch::test {

std::filesystem::path bin_dir() {
    const char* dir = std::getenv("STACKWATCH_BIN_DIR");
    if (dir == nullptr || *dir == '\0')
        throw std::runtime_error("STACKWATCH_BIN_DIR is not set (run through ctest)");
    return dir;
}

Program::Program(std::vector<std::string> argv, std::vector<std::string> env, int port) {
    dir_ = make_temp_dir("stackwatch-prog");
    port_ = port != 0 ? port : free_port();
    argv[0] = (bin_dir() / argv[0]).string();
    argv.push_back("--web.listen-address=127.0.0.1:" + std::to_string(port_));
    pid_ = spawn(argv, {.log_file = dir_ / "output.log", .env = std::move(env)});
    guard_pid(pid_);
}

Program::~Program() {
    stop();
    remove_dir(dir_);
}

std::string Program::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string Program::output() const {
    return read_tail(dir_ / "output.log", 20000);
}

void Program::wait_until_serving(const std::string& path) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        if (http::get(url(path), std::chrono::milliseconds(500)).status != 0) return;
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            unguard_pid(pid_);
            pid_ = -1;
            throw std::runtime_error("program exited before serving:\n" + output());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("program did not serve " + path + " within 30 s:\n" + output());
}

int Program::stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid_, SIGKILL);
            waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    unguard_pid(pid_);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void Program::kill_hard() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    unguard_pid(pid_);
    pid_ = -1;
}

RunResult run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    auto dir = make_temp_dir("stackwatch-run");
    std::vector<std::string> full = argv;
    full[0] = (bin_dir() / argv[0]).string();
    pid_t pid = spawn(full, {.log_file = dir / "output.log", .env = env});
    int status = 0;
    waitpid(pid, &status, 0);
    RunResult result{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
                     read_tail(dir / "output.log", 100000)};
    remove_dir(dir);
    return result;
}

}  // namespace stackwatch::test
