#include "tests/support/prometheus_server.hpp"

#include <fstream>

namespace stackwatch::test {

PrometheusServer::PrometheusServer(const std::string& target, const std::string& job,
                                   const std::string& extra_config,
                                   const std::vector<std::pair<std::string, std::string>>& files)
    : server_("prometheus", "/-/ready", [&](const std::filesystem::path& dir, int port) {
          for (const auto& [name, content] : files) std::ofstream(dir / name) << content;
          std::ofstream(dir / "prometheus.yml")
              << "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                 "scrape_configs:\n"
                 "  - job_name: "
              << job << "\n    static_configs: [{targets: ['" << target << "']}]\n"
              << extra_config;
          return std::vector<std::string>{"/usr/bin/prometheus",
                                          "--config.file=" + (dir / "prometheus.yml").string(),
                                          "--storage.tsdb.path=" + (dir / "data").string(),
                                          "--web.listen-address=127.0.0.1:" + std::to_string(port),
                                          "--web.enable-remote-write-receiver",
                                          "--log.level=warn"};
      }) {}

AlertmanagerServer::AlertmanagerServer(const std::string& config)
    : server_("alertmanager", "/-/ready", [&](const std::filesystem::path& dir, int port) {
          std::ofstream(dir / "alertmanager.yml") << config;
          return std::vector<std::string>{"/usr/bin/prometheus-alertmanager",
                                          "--config.file=" + (dir / "alertmanager.yml").string(),
                                          "--storage.path=" + (dir / "data").string(),
                                          "--web.listen-address=127.0.0.1:" + std::to_string(port),
                                          "--cluster.listen-address=",
                                          "--log.level=warn"};
      }) {}

}  // namespace stackwatch::test
