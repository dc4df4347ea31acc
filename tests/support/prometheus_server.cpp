#include "tests/support/prometheus_server.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <stdexcept>
#include <thread>

#include "common/http_client.hpp"
#include "tests/support/ports.hpp"
#include "tests/support/process.hpp"

namespace stackwatch::test {

PrometheusServer::PrometheusServer(const std::string& target, const std::string& job) {
    dir_ = make_temp_dir("stackwatch-prometheus");
    port_ = free_port();
    std::ofstream(dir_ / "prometheus.yml")
        << "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
           "scrape_configs:\n"
           "  - job_name: "
        << job << "\n"
           "    static_configs: [{targets: ['"
        << target << "']}]\n";
    pid_ = spawn({"/usr/bin/prometheus", "--config.file=" + (dir_ / "prometheus.yml").string(),
                  "--storage.tsdb.path=" + (dir_ / "data").string(),
                  "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--log.level=warn"},
                 {.log_file = dir_ / "prometheus.log"});
    guard_pid(pid_);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (http::get(url() + "/-/ready", std::chrono::seconds(2)).status != 200) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            unguard_pid(pid_);
            pid_ = -1;
            throw std::runtime_error("prometheus exited during start-up:\n" + log());
        }
        if (std::chrono::steady_clock::now() > deadline) {
            std::string tail = log();
            stop_process(pid_, SIGTERM, std::chrono::seconds(10));
            unguard_pid(pid_);
            throw std::runtime_error("prometheus not ready within 60 s:\n" + tail);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

PrometheusServer::~PrometheusServer() {
    if (pid_ > 0) {
        stop_process(pid_, SIGTERM, std::chrono::seconds(10));
        unguard_pid(pid_);
    }
    remove_dir(dir_);
}

std::string PrometheusServer::log() const {
    return read_tail(dir_ / "prometheus.log", 4000);
}

}  // namespace stackwatch::test
