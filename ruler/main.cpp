#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/access_control.hpp"
#include "common/failure_report.hpp"
#include "common/flags.hpp"
#include "common/logging.hpp"
#include "common/memory.hpp"
#include "common/signals.hpp"
#include "common/version.hpp"
#include "common/web_config.hpp"
#include "common/web_flags.hpp"
#include "ruler/api/alertmanager_api.hpp"
#include "ruler/api/monitoring_alerts_api.hpp"
#include "ruler/api/monitoring_errors_api.hpp"
#include "ruler/api/monitoring_events_api.hpp"
#include "ruler/api/monitoring_rules_api.hpp"
#include "ruler/api/notifications_api.hpp"
#include "ruler/api/ruler_api.hpp"
#include "ruler/api/sentry_api.hpp"
#include "ruler/api/web_page_api.hpp"
#include "ruler/config/ruler_config.hpp"
#include "ruler/datasource/ruler_datasource.hpp"
#include "ruler/errors/error_json.hpp"
#include "ruler/errors/error_tracker.hpp"
#include "ruler/events/live_monitor.hpp"
#include "ruler/managed/managed_files.hpp"
#include "ruler/managed/managed_rules.hpp"
#include "ruler/notify/config_commands.hpp"
#include "ruler/notify/environment_config.hpp"
#include "ruler/notify/notification_manager.hpp"
#include "ruler/notify/test_command.hpp"
#include "ruler/oncall/oncall.hpp"
#include "ruler/oncall/oncall_json.hpp"
#include "ruler/promql/test_script.hpp"
#include "ruler/remote_write/remote_write_appender.hpp"
#include "ruler/rules/check_rules.hpp"
#include "ruler/rules/rule_manager.hpp"
#include "ruler/rules/unit_test.hpp"
#include "ruler/scrape/http_client_config.hpp"
#include "ruler/storage/store_metrics.hpp"

using namespace stackwatch;
using namespace stackwatch::ruler;

namespace {

struct Flags {
    std::string config_file;  // ruler.yml when serving; the Alertmanager file for `config routes`
    std::string notify_config_file;
    std::string listen_address = ":19090";
    std::string auth_token_file;
    std::string tokens_file;
    std::string web_config_file;
    std::string monitor_interval = "10s";
    std::string managed_dir;
    std::string errors_path;
    WebServerFlags web;
    std::string max_streams_per_client = "100";
    std::string log_level = "info";
    std::string log_format = "json";
    std::string log_dir;
    std::string max_series = "1000000";
    std::string state_path = "data/stackwatch-ruler.db";
    std::string receiver;
    bool routes_tree = false;
    std::string verify_receivers;
};

int usage_error(const std::string& message) {
    std::cerr << "stackwatch-ruler: error: " << message << ", try --help\n";
    return FlagSet::kUsageErrorExit;
}

// amtool's `config routes [show]` and `config routes test LABEL=VALUE...`.
int run_config_command(const std::vector<std::string>& args, const Flags& flags) {
    if (args.size() < 2 || args[1] != "routes")
        return usage_error("expected 'config routes [show|test]'");
    if (args.size() == 2 || args[2] == "show") {
        if (args.size() > 3) return usage_error("'config routes show' takes no arguments");
        return notify::show_routes(flags.config_file, std::cout, std::cerr);
    }
    if (args[2] != "test") return usage_error("unknown command 'config routes " + args[2] + "'");
    return notify::test_routes({.config_file = flags.config_file,
                                .labels = {args.begin() + 3, args.end()},
                                .tree = flags.routes_tree,
                                .verify_receivers = flags.verify_receivers},
                               std::cout, std::cerr);
}

int run_subcommand(const std::vector<std::string>& args, const Flags& flags) {
    if (args[0] == "check-config")
        return notify::check_config({args.begin() + 1, args.end()}, std::cout, std::cerr);
    if (args[0] == "config") return run_config_command(args, flags);
    if (args[0] == "notify" && args.size() == 2 && args[1] == "test")
        return notify::test_receiver(flags.notify_config_file, flags.receiver, std::cout,
                                     std::cerr);
    if (args.size() < 3) return usage_error("a command needs files, e.g. 'check rules rules.yml'");
    std::vector<std::string> files(args.begin() + 2, args.end());
    if (args[0] == "check" && args[1] == "rules")
        return rules::check_rules(files, std::cout, std::cerr);
    if (args[0] == "test" && args[1] == "rules") return rules::test_rules(files, std::cout);
    if (args[0] == "test" && args[1] == "promql") return promql::run_promql_tests(files, std::cout);
    return usage_error(
        "unknown command '" + args[0] + " " + args[1] +
        "' (expected: check rules, test rules, test promql, check-config, config routes)");
}

// What Prometheus's sendAlerts makes of a rule's alert: it starts when it fired, ends when it
// resolved or, while firing, when its resend would be overdue; external labels are added.
notify::Alert to_notification(const rules::Alert& alert, const std::string& expr,
                              const RulerConfig& config) {
    auto at = [](promql::Timestamp ms) { return notify::TimePoint(std::chrono::milliseconds(ms)); };
    notify::Alert out;
    out.labels = alert.labels;
    for (const auto& label : config.external_labels)
        if (!out.labels.has(label.name)) out.labels.set(label.name, label.value);
    out.annotations = alert.annotations;
    out.starts_at = at(alert.fired_at.value_or(alert.active_at));
    if (alert.resolved_at)
        out.ends_at = at(*alert.resolved_at);
    else if (alert.valid_until)
        out.ends_at = at(*alert.valid_until);
    auto escaped = scrape::encode_query({{"g0.expr", expr}, {"g0.tab", "1"}});
    out.generator_url = config.external_url + "/graph?" + escaped;
    return out;
}

rules::GroupOptions group_options(const RulerConfig& config,
                                  notify::NotificationManager& notifications,
                                  notify::AlertmanagerForwarder& forwarder,
                                  events::EventJournal& journal, bool restore_pending = false) {
    rules::GroupOptions options;
    options.restore_pending = restore_pending;
    options.default_interval = config.evaluation_interval;
    options.external_labels = config.external_labels;
    options.external_url = config.external_url;
    options.notify = [&notifications, &forwarder, config](const std::string& expr,
                                                          const std::vector<rules::Alert>& alerts) {
        std::vector<notify::Alert> out;
        for (const auto& alert : alerts) {
            log::info("alert " + std::string(rules::alert_state_name(alert.state)),
                      {{"alert", rules::alert_to_json(alert)}, {"expr", expr}});
            out.push_back(to_notification(alert, expr, config));
        }
        forwarder.send(out);
        // On the rule group's thread: a state file that cannot be written (disk full, locked)
        // must not end it. The rules send firing alerts again after the resend delay.
        try {
            notifications.put(std::move(out));
        } catch (const std::exception& e) {
            log::error("cannot hand alerts to the notifier; the rules send them again",
                       {{"error", e.what()}, {"expr", expr}});
        }
    };
    // A pending alert has not reached Alertmanager's model yet: it starts when it became active.
    options.on_pending = [&journal, config](const std::string& expr,
                                            const std::vector<rules::Alert>& alerts) {
        for (const auto& alert : alerts) {
            auto pending = to_notification(alert, expr, config);
            pending.ends_at.reset();
            auto id = notify::alert_id(pending);
            journal.publish("alert", oncall::transition_json({.kind = oncall::Transition::pending,
                                                              .alert_id = std::move(id),
                                                              .alert = std::move(pending)}));
        }
    };
    return options;
}

// The Alertmanager file named by the flag or by ruler.yml, or else the runbook's environment,
// with the receivers and routes of rules made through the API. The file is read alone first, so
// its own errors name its own lines.
notify::NotifyConfig load_notify_config(const Flags& flags, const RulerConfig& config,
                                        const managed::ManagedPaths& managed) {
    const auto& file =
        flags.notify_config_file.empty() ? config.notify_config_file : flags.notify_config_file;
    auto base = !file.empty()
                    ? notify::load_notify_config(file)
                    : notify::parse_notify_config(
                          notify::environment_config_text(notify::process_getenv), "environment");
    std::ifstream fragment_file(managed.channels_file);
    if (!fragment_file) return base;
    std::stringstream fragment;
    fragment << fragment_file.rdbuf();
    auto merged = managed::merge_channels(base.original, fragment.str());
    if (merged == base.original) return base;
    return notify::parse_notify_config(merged, base.file);
}

// The rule files of ruler.yml and the one rules made through the API are written to.
std::vector<std::string> rule_files(const RulerConfig& config,
                                    const managed::ManagedPaths& managed) {
    auto files = config.rule_files;
    files.push_back(managed.rule_file);
    return files;
}

std::string errors_path(const Flags& flags) {
    if (!flags.errors_path.empty()) return flags.errors_path;
    if (flags.state_path.empty()) return ":memory:";
    return (std::filesystem::path(flags.state_path).parent_path() / "errors.db").string();
}

// Beside the state file, like errors.db: batches for remotes that have not taken them yet.
std::string remote_write_buffer_path(const Flags& flags) {
    if (flags.state_path.empty()) return ":memory:";
    return (std::filesystem::path(flags.state_path).parent_path() / "remote_write.db").string();
}

std::string managed_dir(const Flags& flags) {
    if (!flags.managed_dir.empty()) return flags.managed_dir;
    auto state = std::filesystem::path(flags.state_path.empty() ? "data/x" : flags.state_path);
    return (state.parent_path() / "managed").string();
}

int serve(const Flags& flags) {
    memory::tune_allocator();
    log::init({.level = flags.log_level,
               .format = log::parse_format(flags.log_format),
               .dir = flags.log_dir});
    log::install_crash_handlers();
    const std::string config_file = flags.config_file.empty() ? "ruler.yml" : flags.config_file;
    auto config = load_ruler_config(config_file);
    auto web = load_web_config(flags.web_config_file);
    std::shared_ptr<const http::Authenticator> token =
        AccessControl::load(flags.tokens_file, flags.auth_token_file, web.basic_auth);

    SignalWaiter signals;  // before any thread starts, so all inherit the blocked signals
    auto registry = std::make_shared<prometheus::Registry>();
    storage::MemoryStore store({.max_series = std::stoull(flags.max_series)});
    auto appender = std::make_shared<remote_write::RemoteWriteAppender>(
        std::make_shared<rules::MemoryStoreAppender>(store), *registry,
        std::make_shared<remote_write::WriteBuffer>(remote_write_buffer_path(flags)));
    appender->set_remotes(config.remote_write, config.external_labels);
    auto data = make_datasource(config, store);
    std::shared_ptr<AlertStateStore> state;
    if (!flags.state_path.empty()) {
        state = std::make_shared<AlertStateStore>(flags.state_path);
        log::info("alert state loaded",
                  {{"path", flags.state_path}, {"series", state->load_into(store)}});
    }
    const std::string state_file = flags.state_path.empty() ? ":memory:" : flags.state_path;
    auto managed_path = std::filesystem::path(managed_dir(flags));
    managed::ManagedRules managed_rules(
        state_file, {.rule_file = (managed_path / "api-rules.yml").string(),
                     .channels_file = (managed_path / "api-channels.yml").string()});
    managed_rules.write_files();
    const auto& managed_paths = managed_rules.paths();
    oncall::OnCall oncall(state_file);
    notify::NotificationManager notifications(
        load_notify_config(flags, config, managed_paths),
        {.state_path = state_file, .external_url = config.external_url, .hooks = &oncall},
        *registry);
    oncall.attach(notifications);
    events::EventJournal journal;
    errors::ErrorTracker tracker({.path = errors_path(flags),
                                  .limits = config.error_tracking.limits,
                                  .retention = config.error_tracking.retention},
                                 *registry);
    tracker.set_rules(config.error_tracking.rules);
    errors::SentryProjects sentry_projects;
    sentry_projects.set(config.error_tracking.sentry_projects);
    errors::IngestLimiter ingest_limiter(config.error_tracking.ingest);
    tracker.listen([&journal](const std::string& transition, const errors::ErrorGroup& group) {
        auto data = errors::group_json(group);
        data["transition"] = transition;
        journal.publish("error", data);
    });
    set_failure_sink([&tracker](const Failure& failure) { tracker.report(failure); });
    errors::LogFollower log_follower(tracker, errors_path(flags));
    log_follower.set_files(config.error_tracking.log_files);
    oncall.listen([&journal](const oncall::TransitionEvent& e) {
        journal.publish("alert", oncall::transition_json(e));
    });
    notify::AlertmanagerForwarder forwarder(config.alertmanagers, *registry);
    RuleManager rule_manager(data, appender, store, state, registry);
    scrape::ScrapeManager scrape_manager(store);

    auto errors = rule_manager.load(
        rule_files(config, managed_paths),
        group_options(config, notifications, forwarder, journal, state != nullptr));
    if (!errors.empty()) {
        for (const auto& e : errors) std::cerr << "stackwatch-ruler: error: " << e << "\n";
        return 1;
    }
    scrape_manager.apply(config.scrape_configs);
    events::LiveMonitor monitor(
        journal, scrape_manager,
        {.interval = parse_duration(flags.monitor_interval), .ruler_figures = [&] {
             return nlohmann::json{{"ruleGroups", rule_manager.group_count()},
                                   {"alertsActive", notifications.alerts().size()},
                                   {"outboxPending", notifications.outbox_pending()},
                                   {"eventSubscribers", journal.subscribers()}};
         }});
    std::mutex reload_mutex;
    auto reload = [&]() -> std::vector<std::string> {
        std::lock_guard lock(reload_mutex);
        try {
            auto fresh = load_ruler_config(config_file);
            auto notify_config =
                notifications.prepare(load_notify_config(flags, fresh, managed_paths));
            auto problems =
                rule_manager.load(rule_files(fresh, managed_paths),
                                  group_options(fresh, notifications, forwarder, journal));
            if (!problems.empty()) {
                for (const auto& p : problems)
                    log::error("reload failed, keeping the previous rules", {{"error", p}});
                return problems;
            }
            scrape_manager.apply(fresh.scrape_configs);
            notifications.apply(std::move(notify_config));
            forwarder.set_targets(fresh.alertmanagers);
            appender->set_remotes(fresh.remote_write, fresh.external_labels);
            tracker.set_rules(fresh.error_tracking.rules);
            sentry_projects.set(fresh.error_tracking.sentry_projects);
            ingest_limiter.set_rate(fresh.error_tracking.ingest);
            log_follower.set_files(fresh.error_tracking.log_files);
            tracker.set_retention(fresh.error_tracking.retention, fresh.error_tracking.limits);
            config = std::move(fresh);
            log::info("configuration reloaded", {{"rule_files", config.rule_files.size()},
                                                 {"groups", rule_manager.group_count()}});
            return {};
        } catch (const std::exception& e) {
            log::error("reload failed, keeping the previous configuration", {{"error", e.what()}});
            return {e.what()};
        }
    };

    managed_rules.set_reload(reload);

    // Event streams and WebSockets run on threads of their own; these serve the API's calls.
    http::ServerOptions server_options{
        .listen_addresses = {flags.listen_address}, .threads = 16, .tls = web.tls};
    flags.web.apply(server_options);
    const auto max_streams =
        positive_flag("web.max-streams-per-client", flags.max_streams_per_client);
    http::Server server(std::move(server_options));
    register_api(server, {rule_manager, scrape_manager, *data, registry, reload}, token);
    register_alertmanager_api(server, notifications, token);
    register_notifications_api(server, notifications, token);
    register_monitoring_alerts_api(server, oncall, rule_manager, token);
    register_monitoring_rules_api(server, managed_rules, rule_manager, token);
    register_monitoring_errors_api(server, tracker, ingest_limiter, token);
    register_sentry_api(server, tracker, sentry_projects, ingest_limiter);
    register_web_page(server, token);
    register_monitoring_events_api(
        server,
        {.journal = journal,
         .snapshot =
             [&] {
                 nlohmann::json alerts = nlohmann::json::array();
                 for (const auto& a : oncall.active())
                     alerts.push_back(oncall::active_alert_json(a));
                 nlohmann::json unresolved = nlohmann::json::array();
                 for (const auto& g : tracker.store().groups(
                          {.status = errors::GroupStatus::unresolved, .limit = 20}))
                     unresolved.push_back(errors::group_json(g));
                 return nlohmann::json{{"alerts", std::move(alerts)},
                                       {"errors", std::move(unresolved)},
                                       {"health", monitor.health()},
                                       {"metrics", monitor.metrics()}};
             },
         .metrics = [&] { return monitor.fresh_metrics(); },
         .max_streams_per_client = max_streams},
        token);
    server.start();
    log::info("stackwatch-ruler listening", {{"address", flags.listen_address},
                                             {"version", kVersion},
                                             {"groups", rule_manager.group_count()},
                                             {"datasource", data->describe()}});

    // The store keeps only what the rules can read: their largest range plus the engine's 5m
    // lookback, and a minute for the for-state outage tolerance.
    std::atomic<bool> stopping{false};
    std::mutex truncate_mutex;
    std::condition_variable truncate_wake;
    storage::StoreMetrics store_metrics(*registry);
    std::thread truncator([&] {
        std::unique_lock lock(truncate_mutex);
        store_metrics.update(store);
        while (!truncate_wake.wait_for(lock, std::chrono::minutes(1),
                                       [&] { return stopping.load(); })) {
            scrape_manager.truncate(rule_manager.max_lookback() + std::chrono::minutes(5) +
                                    std::chrono::minutes(1));
            store_metrics.update(store);
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
    monitor.stop();
    rule_manager.stop();
    scrape_manager.stop();
    oncall.stop();
    notifications.stop();
    forwarder.stop();
    appender->stop();
    log_follower.stop();
    set_failure_sink({});
    tracker.stop();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Flags flags;
    FlagSet parser(
        "stackwatch-ruler",
        "Evaluates Prometheus alerting and recording rules against its own scrapes or a\n"
        "remote Prometheus-compatible API.\n\n"
        "Commands:\n"
        "  check rules FILE...   validate rule files as promtool check rules does\n"
        "  test rules FILE...    run promtool-format rule unit tests\n"
        "  test promql FILE...   run Prometheus PromQL test scripts\n"
        "  check-config FILE...  validate Alertmanager configuration files as amtool does\n"
        "  config routes [show] --config.file=FILE\n"
        "                        print an Alertmanager configuration's routing tree\n"
        "  config routes test --config.file=FILE [--tree] [--verify.receivers=R,...] "
        "LABEL=VALUE...\n"
        "                        print the receivers an alert with these labels goes to",
        kVersion);
    parser.allow_positional(
        "[check rules|test rules|test promql|check-config FILE...] [config routes ...]");
    parser.add_string("config.file",
                      "Ruler configuration file (default ruler.yml); with 'config routes', the "
                      "Alertmanager file.",
                      &flags.config_file);
    parser.add_string(
        "notify.config.file",
        "Alertmanager configuration for notifications (else notify_config_file in ruler.yml, else "
        "SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASS and ALERT_EMAIL).",
        &flags.notify_config_file);
    parser.add_string("receiver", "notify test: the receiver to send a sample notification to.",
                      &flags.receiver);
    parser.add_bool("tree", "config routes test: also print the matching routes.",
                    &flags.routes_tree);
    parser.add_string("verify.receivers",
                      "config routes test: fail unless the alert goes to these receivers.",
                      &flags.verify_receivers);
    parser.add_string("web.listen-address", "Address to listen on for the API and metrics.",
                      &flags.listen_address);
    parser.add_string("web.auth-token-file",
                      "An admin bearer token required by /api/*, /monitoring/* and /-/reload.",
                      &flags.auth_token_file);
    parser.add_string("web.tokens-file",
                      "Bearer tokens with roles (viewer, operator, admin), and the roles of "
                      "--web.config.file's basic-auth users.",
                      &flags.tokens_file);
    parser.add_string("web.config.file",
                      "exporter-toolkit web configuration: TLS and basic-auth users.",
                      &flags.web_config_file);
    parser.add_string("monitor.interval",
                      "How often the event stream gets performance metrics and the scrape "
                      "targets' health is checked.",
                      &flags.monitor_interval);
    flags.web.add_to(parser, http::ServerOptions{});
    parser.add_string("web.max-streams-per-client",
                      "Event streams (/monitoring/events), and as many WebSockets "
                      "(/monitoring/ws), one token may hold open, or one address without a "
                      "token; beyond them 429.",
                      &flags.max_streams_per_client);
    parser.add_string("rules.managed-dir",
                      "Where rules made through /monitoring/alerts/rules are written "
                      "(api-rules.yml, api-channels.yml; default: managed/ beside the state file).",
                      &flags.managed_dir);
    parser.add_string("errors.store-path",
                      "sqlite file of tracked errors (default: errors.db beside the state file; "
                      "in memory without one).",
                      &flags.errors_path);
    parser.add_string("storage.max-series", "Most series the embedded store holds.",
                      &flags.max_series);
    parser.add_string("storage.state-path",
                      "sqlite file that keeps alerts' for-state across restarts (empty: none).",
                      &flags.state_path);
    parser.add_string("log.level", "Only log messages with the given severity or above.",
                      &flags.log_level);
    parser.add_string("log.format", "Output format of log messages: json or logfmt.",
                      &flags.log_format);
    parser.add_string("log.dir",
                      "Also write combined.log, error.log, access.log, exceptions.log here.",
                      &flags.log_dir);
    switch (parser.parse(argc, argv, std::cout, std::cerr)) {
        case FlagSet::Outcome::exit_success:
            return 0;
        case FlagSet::Outcome::exit_usage_error:
            return FlagSet::kUsageErrorExit;
        case FlagSet::Outcome::run:
            break;
    }
    const auto& positional = parser.positional();
    if (!positional.empty()) return run_subcommand(positional, flags);
    try {
        return serve(flags);
    } catch (const std::exception& e) {
        std::cerr << "stackwatch-ruler: error: " << e.what() << "\n";
        log::error("start-up failed", {{"error", e.what()}});
        return 1;
    }
}
