#include "tests/support/peer_server.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <stdexcept>
#include <thread>

#include "common/http_client.hpp"
#include "tests/support/ports.hpp"
#include "tests/support/process.hpp"

namespace stackwatch::test {

std::filesystem::path PeerServer::make_dir(const std::string& name) {
    return make_temp_dir("stackwatch-" + name);
}

int PeerServer::pick_port() {
    return free_port();
}

void PeerServer::start(const std::vector<std::string>& argv, const std::string& ready_path) {
    pid_ = spawn(argv, {.log_file = dir_ / "server.log"});
    guard_pid(pid_);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (http::get(url() + ready_path, std::chrono::seconds(2)).status != 200) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            unguard_pid(pid_);
            pid_ = -1;
            std::string tail = log();
            remove_dir(dir_);
            throw std::runtime_error(name_ + " exited during start-up:\n" + tail);
        }
        if (std::chrono::steady_clock::now() > deadline) {
            std::string tail = log();
            stop_process(pid_, SIGTERM, std::chrono::seconds(10));
            unguard_pid(pid_);
            remove_dir(dir_);
            throw std::runtime_error(name_ + " not ready within 60 s:\n" + tail);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

PeerServer::~PeerServer() {
    if (pid_ > 0) {
        stop_process(pid_, SIGTERM, std::chrono::seconds(10));
        unguard_pid(pid_);
    }
    remove_dir(dir_);
}

std::string PeerServer::log() const {
    return read_tail(dir_ / "server.log", 4000);
}

}  // namespace stackwatch::test
