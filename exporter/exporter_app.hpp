#pragma once
// The exporter's HTTP face: landing page, /metrics and /probe over the collection, plus the
// exporter's own metrics (process_*, stackwatch_* latency, build info).

#include <functional>
#include <memory>
#include <string>

#include "common/http_server.hpp"
#include "exporter/collection.hpp"
#include "exporter/exporter_config.hpp"

namespace stackwatch::exporter {

// The scrape deadline: Prometheus's X-Prometheus-Scrape-Timeout-Seconds less the offset, so the
// answer arrives before Prometheus gives up; the default when the header is absent or invalid.
Deadline scrape_deadline(const http::Request& request, std::chrono::milliseconds default_timeout,
                         std::chrono::milliseconds offset);

class ExporterApp {
  public:
    ExporterApp(const ExporterConfig& config, std::shared_ptr<Collection> collection);
    // Registers /, the telemetry path and /probe. `metrics_auth` guards the metrics endpoints
    // (basic auth from the web config), null for none.
    void register_routes(http::Server& server,
                         std::shared_ptr<const http::Authenticator> metrics_auth);

    // Another source of the exporter's own metrics (e.g. the health checks), added to /metrics.
    void add_metrics_source(std::function<void(MetricSet&)> source) {
        sources_.push_back(std::move(source));
    }
    std::string metrics_text(Deadline deadline);
    Collection& collection() { return *collection_; }

  private:
    http::Response landing_page() const;
    http::Response metrics(const http::Request& request);
    http::Response probe(const http::Request& request);

    const ExporterConfig& config_;
    std::shared_ptr<Collection> collection_;
    std::vector<std::function<void(MetricSet&)>> sources_;
};

}  // namespace stackwatch::exporter
