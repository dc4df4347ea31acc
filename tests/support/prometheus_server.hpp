#pragma once
// A real Prometheus (Debian's /usr/bin/prometheus) on a free loopback port, scraping one target
// every second, in a temporary directory removed even if the test binary dies.

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace stackwatch::test {

class PrometheusServer {
  public:
    // host:port to scrape, as job `job`.
    explicit PrometheusServer(const std::string& target, const std::string& job = "fake");
    ~PrometheusServer();
    PrometheusServer(const PrometheusServer&) = delete;
    PrometheusServer& operator=(const PrometheusServer&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::string log() const;

  private:
    std::filesystem::path dir_;
    int port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace stackwatch::test
