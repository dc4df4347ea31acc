#pragma once
// A real Prometheus (Debian's /usr/bin/prometheus) on a free loopback port, scraping one target
// every second, in a temporary directory removed even if the test binary dies. It also takes
// remote writes at /api/v1/write.

#include <string>
#include <utility>
#include <vector>

#include "tests/support/peer_server.hpp"

namespace stackwatch::test {

class PrometheusServer {
  public:
    // host:port to scrape, as job `job`. `extra_config` is appended to prometheus.yml (e.g.
    // rule_files, alerting); `files` are written beside it first, as name and content.
    explicit PrometheusServer(const std::string& target, const std::string& job = "fake",
                              const std::string& extra_config = "",
                              const std::vector<std::pair<std::string, std::string>>& files = {});

    std::string url() const { return server_.url(); }
    std::string log() const { return server_.log(); }

  private:
    PeerServer server_;
};

// A real Alertmanager (Debian's prometheus-alertmanager) without clustering.
class AlertmanagerServer {
  public:
    explicit AlertmanagerServer(const std::string& config);

    std::string url() const { return server_.url(); }
    std::string address() const { return "127.0.0.1:" + std::to_string(server_.port()); }
    std::string log() const { return server_.log(); }

  private:
    PeerServer server_;
};

}  // namespace stackwatch::test
