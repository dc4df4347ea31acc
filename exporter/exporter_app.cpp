#include "exporter/exporter_app.hpp"

#include <cmath>

#include "common/html.hpp"
#include "common/version.hpp"
#include "exporter/process/self_process.hpp"

namespace stackwatch::exporter {
namespace {

constexpr const char* kTextFormat = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace

Deadline scrape_deadline(const http::Request& request, std::chrono::milliseconds default_timeout,
                         std::chrono::milliseconds offset) {
    auto timeout = default_timeout;
    if (auto header = request.header("x-prometheus-scrape-timeout-seconds")) {
        try {
            double seconds = std::stod(*header);
            if (std::isfinite(seconds) && seconds > 0)
                timeout = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
        } catch (const std::exception&) {
        }
    }
    auto budget = timeout - offset;
    // A tiny timeout still gets a sliver of time rather than none.
    if (budget < timeout / 2) budget = timeout / 2;
    return Deadline::in(budget);
}

ExporterApp::ExporterApp(const ExporterConfig& config, std::shared_ptr<Collection> collection)
    : config_(config), collection_(std::move(collection)) {}

void ExporterApp::register_routes(http::Server& server,
                                  std::shared_ptr<const http::Authenticator> metrics_auth) {
    server.route("GET", "/", [this](const http::Request&) { return landing_page(); });
    server.route("GET", config_.telemetry_path,
                 [this](const http::Request& r) { return metrics(r); }, {.auth = metrics_auth});
    server.route("GET", "/probe", [this](const http::Request& r) { return probe(r); },
                 {.auth = metrics_auth});
}

http::Response ExporterApp::landing_page() const {
    std::string targets;
    for (const auto& slot : collection_->slots()) {
        auto& target = slot->target();
        targets += "<li>" + html_escape(target.kind()) +
                   " <a href=\"/probe?target=" + html_escape(target.name()) + "\">" +
                   html_escape(target.name()) + "</a></li>\n";
    }
    std::string body =
        "<!DOCTYPE html>\n<html><head><title>stackwatch-exporter</title></head><body>\n"
        "<h1>stackwatch-exporter " +
        std::string(kVersion) +
        "</h1>\n"
        "<p>PostgreSQL, Redis and process metrics for Prometheus.</p>\n<ul>\n"
        "<li><a href=\"" +
        html_escape(config_.telemetry_path) +
        "\">Metrics</a></li>\n"
        "<li><a href=\"/health\">Health</a> · <a href=\"/health/detailed\">detailed</a> · "
        "<a href=\"/health/live\">live</a> · <a href=\"/health/ready\">ready</a></li>\n</ul>\n"
        "<h2>Targets</h2>\n<ul>\n" +
        targets + "</ul>\n</body></html>\n";
    return http::Response::text(body, 200, "text/html; charset=utf-8");
}

std::string ExporterApp::metrics_text(Deadline deadline) {
    auto self = std::make_shared<MetricSet>();
    // What does not depend on this scrape's collections is read while they run; the latency
    // histograms wait for them, so a scrape's own round trips are in its answer.
    Exposition all = collection_->collect_all(deadline, [&] {
        self->gauge("stackwatch_exporter_build_info",
                    "A metric with a constant 1 labelled by the exporter's version.", 1,
                    {{"version", kVersion}});
        process::collect_self_process(*self);
        for (const auto& source : sources_) source(*self);
    });
    collection_->latency().collect_into(*self);
    all.add(std::move(self));
    return all.serialize();
}

http::Response ExporterApp::metrics(const http::Request& request) {
    auto started = std::chrono::steady_clock::now();
    auto deadline =
        scrape_deadline(request, config_.default_scrape_timeout, config_.timeout_offset);
    auto response = http::Response::text(metrics_text(deadline), 200, kTextFormat);
    collection_->latency().scrape(
        "metrics",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return response;
}

http::Response ExporterApp::probe(const http::Request& request) {
    auto name = request.query_param("target");
    if (!name || name->empty())
        return http::Response::error(400, "missing query parameter 'target'");
    auto started = std::chrono::steady_clock::now();
    auto deadline =
        scrape_deadline(request, config_.default_scrape_timeout, config_.timeout_offset);
    auto metrics = collection_->collect_one(*name, deadline);
    if (!metrics)
        return http::Response::error(404, "no target named '" + *name + "' is configured");
    collection_->latency().scrape(
        "probe", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return http::Response::text(metrics->serialize(), 200, kTextFormat);
}

}  // namespace stackwatch::exporter
