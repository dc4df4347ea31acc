#include <iostream>

#include "common/auth.hpp"
#include "common/flags.hpp"
#include "common/logging.hpp"
#include "common/signals.hpp"
#include "common/version.hpp"
#include "ruler/api/ruler_api.hpp"
#include "ruler/promql/test_script.hpp"
#include "ruler/rule_manager.hpp"
#include "ruler/rules/check_rules.hpp"
#include "ruler/rules/unit_test.hpp"
#include "ruler/ruler_config.hpp"
#include "ruler/ruler_datasource.hpp"

using namespace stackwatch;
using namespace stackwatch::ruler;

namespace {

struct Flags {
    std::string config_file = "ruler.yml";
    std::string listen_address = ":19090";
    std::string auth_token_file;
    std::string log_level = "info";
    std::string log_format = "json";
    std::string log_dir;
    std::string max_series = "1000000";
    std::string state_path = "data/stackwatch-ruler.db";
};

int run_subcommand(const std::vector<std::string>& args) {
    std::vector<std::string> files(args.begin() + 2, args.end());
    if (args[0] == "check" && args[1] == "rules") return rules::check_rules(files, std::cout, std::cerr);
    if (args[0] == "test" && args[1] == "rules") return rules::test_rules(files, std::cout);
    if (args[0] == "test" && args[1] == "promql") return promql::run_promql_tests(files, std::cout);
    std::cerr << "stackwatch-ruler: error: unknown command '" << args[0] << " " << args[1]
              << "' (expected: check rules, test rules, test promql), try --help\n";
    return FlagSet::kUsageErrorExit;
}

rules::GroupOptions group_options(const RulerConfig& config, bool restore_pending = false) {
    rules::GroupOptions options;
    options.restore_pending = restore_pending;
    options.default_interval = config.evaluation_interval;
    options.external_labels = config.external_labels;
    options.external_url = config.external_url;
    // Until notifiers are configured, a firing alert is at least a log line.
    options.notify = [](const std::string& expr, const std::vector<rules::Alert>& alerts) {
        for (const auto& alert : alerts)
            log::warn("alert " + std::string(rules::alert_state_name(alert.state)),
                      {{"alert", rules::alert_to_json(alert)}, {"expr", expr}});
    };
    return options;
}

int serve(const Flags& flags) {
    log::init({.level = flags.log_level, .format = log::parse_format(flags.log_format), .dir = flags.log_dir});
    log::install_crash_handlers();
    auto config = load_ruler_config(flags.config_file);
    std::shared_ptr<const http::Authenticator> token;
    if (!flags.auth_token_file.empty())
        token = std::make_shared<BearerTokenAuth>(BearerTokenAuth::from_file(flags.auth_token_file));

    SignalWaiter signals;  // before any thread starts, so all inherit the blocked signals
    auto registry = std::make_shared<prometheus::Registry>();
    storage::MemoryStore store({.max_series = std::stoull(flags.max_series)});
    auto appender = std::make_shared<rules::MemoryStoreAppender>(store);
    auto data = make_datasource(config, store);
    std::shared_ptr<AlertStateStore> state;
    if (!flags.state_path.empty()) {
        state = std::make_shared<AlertStateStore>(flags.state_path);
        log::info("alert state loaded", {{"path", flags.state_path}, {"series", state->load_into(store)}});
    }
    RuleManager rule_manager(data, appender, store, state, registry);
    scrape::ScrapeManager scrape_manager(store);

    auto errors = rule_manager.load(config.rule_files, group_options(config, state != nullptr));
    if (!errors.empty()) {
        for (const auto& e : errors) std::cerr << "stackwatch-ruler: error: " << e << "\n";
        return 1;
    }
    scrape_manager.apply(config.scrape_configs);
    std::mutex reload_mutex;
    auto reload = [&]() -> std::vector<std::string> {
        std::lock_guard lock(reload_mutex);
        try {
            auto fresh = load_ruler_config(flags.config_file);
            auto problems = rule_manager.load(fresh.rule_files, group_options(fresh));
            if (!problems.empty()) {
                for (const auto& p : problems) log::error("reload failed, keeping the previous rules", {{"error", p}});
                return problems;
            }
            scrape_manager.apply(fresh.scrape_configs);
            config = std::move(fresh);
            log::info("configuration reloaded", {{"rule_files", config.rule_files.size()}, {"groups", rule_manager.group_count()}});
            return {};
        } catch (const std::exception& e) {
            log::error("reload failed, keeping the previous configuration", {{"error", e.what()}});
            return {e.what()};
        }
    };

    std::string listen = flags.listen_address.starts_with(":") ? flags.listen_address.substr(1) : flags.listen_address;
    http::Server server({.listen_addresses = {listen}, .threads = 16});
    register_api(server, {rule_manager, scrape_manager, *data, registry, reload}, token);
    server.start();
    log::info("stackwatch-ruler listening", {{"address", flags.listen_address}, {"version", kVersion},
                                             {"groups", rule_manager.group_count()},
                                             {"datasource", data->describe()}});

    // The store keeps only what the rules can read: their largest range plus the engine's 5m
    // lookback, and a minute for the for-state outage tolerance.
    std::atomic<bool> stopping{false};
    std::mutex truncate_mutex;
    std::condition_variable truncate_wake;
    std::thread truncator([&] {
        std::unique_lock lock(truncate_mutex);
        while (!truncate_wake.wait_for(lock, std::chrono::minutes(1), [&] { return stopping.load(); })) {
            scrape_manager.truncate(rule_manager.max_lookback() + std::chrono::minutes(5) +
                                    std::chrono::minutes(1));
        }
    });
    while (signals.wait() == SignalWaiter::Event::reload) reload();
    log::info("shutting down");
    {
        std::lock_guard lock(truncate_mutex);
        stopping = true;
    }
    truncate_wake.notify_all();
    truncator.join();
    server.stop();
    rule_manager.stop();
    scrape_manager.stop();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Flags flags;
    FlagSet parser("stackwatch-ruler",
                   "Evaluates Prometheus alerting and recording rules against its own scrapes or a\n"
                   "remote Prometheus-compatible API.\n\n"
                   "Commands:\n"
                   "  check rules FILE...   validate rule files as promtool check rules does\n"
                   "  test rules FILE...    run promtool-format rule unit tests\n"
                   "  test promql FILE...   run Prometheus PromQL test scripts",
                   kVersion);
    parser.allow_positional("[check rules|test rules|test promql FILE...]");
    parser.add_string("config.file", "Ruler configuration file.", &flags.config_file);
    parser.add_string("web.listen-address", "Address to listen on for the API and metrics.", &flags.listen_address);
    parser.add_string("web.auth-token-file", "Bearer token required by /api/* and /-/reload.", &flags.auth_token_file);
    parser.add_string("storage.max-series", "Most series the embedded store holds.", &flags.max_series);
    parser.add_string("storage.state-path",
                      "sqlite file that keeps alerts' for-state across restarts (empty: none).",
                      &flags.state_path);
    parser.add_string("log.level", "Only log messages with the given severity or above.", &flags.log_level);
    parser.add_string("log.format", "Output format of log messages: json or logfmt.", &flags.log_format);
    parser.add_string("log.dir", "Also write combined.log, error.log, access.log, exceptions.log here.", &flags.log_dir);
    switch (parser.parse(argc, argv, std::cout, std::cerr)) {
        case FlagSet::Outcome::exit_success: return 0;
        case FlagSet::Outcome::exit_usage_error: return FlagSet::kUsageErrorExit;
        case FlagSet::Outcome::run: break;
    }
    const auto& positional = parser.positional();
    if (!positional.empty()) {
        if (positional.size() < 3) {
            std::cerr << "stackwatch-ruler: error: a command needs files, e.g. 'check rules rules.yml', try --help\n";
            return FlagSet::kUsageErrorExit;
        }
        return run_subcommand(positional);
    }
    try {
        return serve(flags);
    } catch (const std::exception& e) {
        std::cerr << "stackwatch-ruler: error: " << e.what() << "\n";
        log::error("start-up failed", {{"error", e.what()}});
        return 1;
    }
}
