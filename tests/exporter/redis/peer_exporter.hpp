#pragma once
// A peer exporter from Debian (redis_exporter, process-exporter) run by hand on a free loopback
// port for the duration of a test, never as a system service.

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/http_client.hpp"
#include "tests/support/ports.hpp"
#include "tests/support/process.hpp"

namespace stackwatch::test {

class PeerExporter {
  public:
    // argv without the listen address, which is added; env as NAME=value.
    PeerExporter(std::vector<std::string> argv, std::vector<std::string> env = {})
        : port_(free_port()) {
        log_ = std::filesystem::temp_directory_path() /
               ("stackwatch-peer-" + std::to_string(port_) + ".log");
        argv.push_back("-web.listen-address");
        argv.push_back("127.0.0.1:" + std::to_string(port_));
        pid_ = spawn(argv, {.log_file = log_, .env = std::move(env)});
        guard_pid(pid_);
    }
    ~PeerExporter() {
        stop_process(pid_, SIGTERM, std::chrono::seconds(5));
        unguard_pid(pid_);
        std::filesystem::remove(log_);
    }
    PeerExporter(const PeerExporter&) = delete;
    PeerExporter& operator=(const PeerExporter&) = delete;

    // Its /metrics, once it answers (polled for a bounded time).
    std::string metrics() const {
        using namespace std::chrono_literals;
        auto until = std::chrono::steady_clock::now() + 15s;
        while (true) {
            auto response = http::get("http://127.0.0.1:" + std::to_string(port_) + "/metrics", 2s);
            if (response.ok()) return response.body;
            if (std::chrono::steady_clock::now() > until)
                throw std::runtime_error("peer exporter did not answer: " + read_tail(log_));
            std::this_thread::sleep_for(50ms);
        }
    }

  private:
    int port_;
    std::filesystem::path log_;
    pid_t pid_;
};

// "# TYPE name type" lines of a text exposition.
inline std::map<std::string, std::string> family_types(const std::string& text) {
    std::map<std::string, std::string> types;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        std::string hash, keyword, name, type;
        if (words >> hash >> keyword >> name >> type && hash == "#" && keyword == "TYPE")
            types[name] = type;
    }
    return types;
}

}  // namespace stackwatch::test
