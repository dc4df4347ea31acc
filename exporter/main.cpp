
#include <iostream>

#include "common/auth.hpp"
#include "common/failure_poster.hpp"
#include "common/flags.hpp"
#include "common/logging.hpp"
#include "common/memory.hpp"
#include "common/signals.hpp"
#include "common/version.hpp"
#include "common/web_config.hpp"
#include "common/web_flags.hpp"
#include "exporter/exporter_app.hpp"
#include "exporter/health/health_service.hpp"
#include "exporter/targets.hpp"

using namespace stackwatch;
using namespace stackwatch::exporter;

namespace {

// Scrapes share one collection per target, so a few workers serve several Prometheus servers;
// a target that hangs holds one worker up to its timeout, not the health endpoints.
constexpr int kRequestWorkers = 8;

int run(ExporterConfig& config, const WebServerFlags& web_flags) {
    memory::tune_allocator();
    log::init({.level = config.log_level,
               .format = log::parse_format(config.log_format),
               .dir = config.log_dir});
    log::install_crash_handlers();
    load_targets(config);
    auto targets = build_targets(config);
    auto web = load_web_config(config.web_config_file);

    SignalWaiter signals;  // before any thread starts, so all inherit the blocked signals
    std::unique_ptr<FailurePoster> failures;
    if (!config.errors_report_url.empty()) {
        failures = std::make_unique<FailurePoster>(
            FailurePosterOptions{.url = config.errors_report_url,
                                 .token = config.errors_report_token_file.empty()
                                              ? ""
                                              : read_token_file(config.errors_report_token_file)});
        set_failure_sink([poster = failures.get()](const Failure& f) { poster->post(f); });
    }
    auto collection = std::make_shared<Collection>(targets, std::make_shared<LatencyHistograms>());
    ExporterApp app(config, collection);
    health::HealthService health_service(health::parse_health_config(config.health), collection);
    app.add_metrics_source([&health_service](MetricSet& out) { health_service.collect_into(out); });
    std::shared_ptr<const http::Authenticator> token;
    if (!config.auth_token_file.empty())
        token =
            std::make_shared<BearerTokenAuth>(BearerTokenAuth::from_file(config.auth_token_file));
    http::ServerOptions server_options{
        .listen_addresses = {config.listen_address}, .threads = kRequestWorkers, .tls = web.tls};
    web_flags.apply(server_options);
    http::Server server(std::move(server_options));
    app.register_routes(server, web.basic_auth);
    health_service.register_routes(server, token);
    server.start();
    health_service.start_background_refresh();
    log::info(
        "stackwatch-exporter listening",
        {{"address", config.listen_address}, {"version", kVersion}, {"targets", targets.size()}});
    while (signals.wait() != SignalWaiter::Event::stop) {
        log::info("SIGHUP ignored: the exporter reads its configuration at start");
    }
    log::info("shutting down");
    server.stop();
    set_failure_sink({});
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    ExporterConfig config;
    FlagSet flags(
        "stackwatch-exporter",
        "PostgreSQL, Redis and process metrics for Prometheus, compatible with\n"
        "postgres_exporter and redis_exporter. Targets come from --config.file and from\n"
        "DATA_SOURCE_NAME / REDIS_ADDR (REDIS_USER, REDIS_PASSWORD) as the peers read them.",
        kVersion);
    flags.add_string("web.listen-address", "Address to listen on for metrics and health.",
                     &config.listen_address);
    flags.add_string("web.telemetry-path", "Path under which to expose metrics.",
                     &config.telemetry_path);
    flags.add_string("web.config.file",
                     "exporter-toolkit web config (TLS, basic auth) for metrics.",
                     &config.web_config_file);
    flags.add_string("web.auth-token-file",
                     "Bearer token required by /health/detailed and /monitoring/*.",
                     &config.auth_token_file);
    flags.add_string("errors.report-url",
                     "A stackwatch-ruler's /monitoring/errors: collector and probe failures are "
                     "tracked there (database:connection:refused, redis:auth:failed, ...).",
                     &config.errors_report_url);
    flags.add_string("errors.report-token-file", "An operator token for --errors.report-url.",
                     &config.errors_report_token_file);
    flags.add_string("config.file", "YAML file with targets, auth modules and health checks.",
                     &config.config_file);
    flags.add_string(
        "log.level",
        "Only log messages with the given severity or above: debug, info, warn, error.",
        &config.log_level);
    flags.add_string("log.format", "Output format of log messages: json or logfmt.",
                     &config.log_format);
    flags.add_string("log.dir",
                     "Also write combined.log, error.log, access.log, exceptions.log here.",
                     &config.log_dir);
    WebServerFlags web_flags;
    web_flags.add_to(flags, http::ServerOptions{});
    auto collectors = collector_flags();
    auto states = std::make_unique<bool[]>(collectors.size());  // vector<bool> has no bool&
    for (size_t i = 0; i < collectors.size(); ++i) {
        states[i] = collectors[i].enabled_by_default;
        flags.add_bool("collector." + collectors[i].name, collectors[i].help, &states[i]);
    }
    switch (flags.parse(argc, argv, std::cout, std::cerr)) {
        case FlagSet::Outcome::exit_success:
            return 0;
        case FlagSet::Outcome::exit_usage_error:
            return FlagSet::kUsageErrorExit;
        case FlagSet::Outcome::run:
            break;
    }
    for (size_t i = 0; i < collectors.size(); ++i)
        config.collectors[collectors[i].name] = states[i];
    try {
        return run(config, web_flags);
    } catch (const std::exception& e) {
        std::cerr << "stackwatch-exporter: error: " << e.what() << "\n";
        log::error("start-up failed", {{"error", e.what()}});
        return 1;
    }
}
