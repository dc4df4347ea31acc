#include "tests/live/live_stack.hpp"

#include <fstream>
#include <pqxx/pqxx>
#include <set>
#include <stdexcept>

#include "common/http_client.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/ports.hpp"
#include "tests/support/process.hpp"

namespace stackwatch::test {
namespace {

std::string address(const Program& program) {
    return "127.0.0.1:" + std::to_string(program.port());
}

std::set<std::string> firing_keys(const nlohmann::json& alerts) {
    std::set<std::string> keys;
    for (const auto& alert : alerts) {
        if (alert.value("state", "") != "firing") continue;
        const auto& labels = alert["labels"];
        keys.insert(labels.value("alertname", "") + " " + labels.value("instance", "") + " " +
                    labels.value("target", ""));
    }
    return keys;
}

}  // namespace

std::filesystem::path source_dir() {
    const char* source = std::getenv("STACKWATCH_SOURCE_DIR");
    if (!source || !*source)
        throw std::runtime_error("STACKWATCH_SOURCE_DIR is not set (run through ctest)");
    return source;
}

LiveStack::LiveStack(const LiveStackOptions& options)
    : primary({.max_connections = options.postgres_max_connections}),
      dir_(make_temp_dir("stackwatch-live")) {
    replica = std::make_unique<PostgresServer>(PostgresSettings{
        .max_connections = options.postgres_max_connections, .replica_of = &primary});
    // A maxmemory, as production Redis has, so the memory panels and alerts have a limit.
    redis.command({"CONFIG", "SET", "maxmemory", "64mb"});
    redis_replica = std::make_unique<RedisServer>(&redis);
    redis_replica->command({"CONFIG", "SET", "maxmemory", "64mb"});

    std::ofstream(dir_ / "exporter.yml")
        << "postgres:\n"
           "  - {name: primary, dsn: '"
        << primary.uri() << "'}\n  - {name: replica, dsn: '" << replica->uri()
        << "'}\n"
           "redis:\n"
           "  - {name: cache, address: '"
        << redis.address() << "', password: '" << redis.password()
        << "'}\n  - {name: cache-replica, address: '" << redis_replica->address()
        << "', password: '" << redis.password()
        << "'}\n"
           "processes:\n"
           "  - {name: postgres, pidfile: '"
        << primary.pid_file().string() << "'}\n  - {name: redis, pidfile: '"
        << redis.pid_file().string()
        << "'}\n"
           "health:\n"
           "  refresh_interval: 1s\n"
           "  disk:\n"
           "    - {path: '"
        << dir_.string() << "', min_free_ratio: 0.01}\n";
    exporter = std::make_unique<Program>(std::vector<std::string>{
        "stackwatch-exporter", "--config.file=" + (dir_ / "exporter.yml").string()});
    exporter->wait_until_serving("/health/live");

    std::ofstream(dir_ / "alertmanager.yml")
        << "route:\n  receiver: hook\n  group_by: [alertname, instance, target]\n"
           "  group_wait: 0s\n  group_interval: 1s\n  repeat_interval: 1h\n"
           "receivers:\n- name: hook\n  webhook_configs: [{url: '"
        << receiver.url() << "'}]\n";
    // The ruler scrapes itself too: rules/errors.yml reads its stackwatch_errors_total.
    int ruler_port = free_port();
    std::ofstream(dir_ / "ruler.yml") << "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                                         "notify_config_file: alertmanager.yml\n"
                                         "rule_files: ['"
                                      << (options.rules_dir / "*.yml").string()
                                      << "']\n"
                                         "scrape_configs:\n"
                                         "  - job_name: stackwatch\n"
                                         "    static_configs: [{targets: ['"
                                      << address(*exporter)
                                      << "']}]\n"
                                         "  - job_name: stackwatch-ruler\n"
                                         "    static_configs: [{targets: ['127.0.0.1:"
                                      << ruler_port << "']}]\n";
    ruler = std::make_unique<Program>(
        std::vector<std::string>{"stackwatch-ruler",
                                 "--config.file=" + (dir_ / "ruler.yml").string(),
                                 "--storage.state-path=" + (dir_ / "state.db").string()},
        std::vector<std::string>{}, ruler_port);
    ruler->wait_until_serving("/-/ready");
    prometheus =
        std::make_unique<PrometheusServer>(address(*exporter), "stackwatch",
                                           "  - job_name: stackwatch-ruler\n"
                                           "    static_configs: [{targets: ['127.0.0.1:" +
                                               std::to_string(ruler_port) +
                                               "']}]\n"
                                               "rule_files: ['" +
                                               (options.rules_dir / "*.yml").string() + "']\n");
    // Both have scraped every target once: a counter's first sample is its baseline, so an
    // event made before it would never show as an increase.
    auto scraped = [](const nlohmann::json& result) { return result.size() == 2; };
    std::string up = "/api/v1/query?query=up%3D%3D1";
    bool ready = eventually(
        [&] {
            auto ours = http::get(ruler->url(up));
            return ours.status == 200 &&
                   scraped(nlohmann::json::parse(ours.body)["data"]["result"]) &&
                   scraped(prometheus_api(up)["result"]);
        },
        std::chrono::seconds(30));
    if (!ready) throw std::runtime_error("the live stack's targets were not scraped within 30 s");
}

LiveStack::~LiveStack() {
    stop_load_ = true;
    if (load_.joinable()) load_.join();
    prometheus.reset();
    ruler.reset();
    exporter.reset();
    remove_dir(dir_);
}

std::string LiveStack::exporter_address() const {
    return address(*exporter);
}
std::string LiveStack::ruler_address() const {
    return address(*ruler);
}

nlohmann::json LiveStack::prometheus_api(const std::string& path_and_query) const {
    auto response = http::get(prometheus->url() + path_and_query);
    if (response.status != 200)
        throw std::runtime_error("Prometheus " + path_and_query + ": " +
                                 std::to_string(response.status) + " " + response.error + " " +
                                 response.body);
    return nlohmann::json::parse(response.body).at("data");
}

std::set<std::string> LiveStack::firing_in_prometheus() const {
    return firing_keys(prometheus_api("/api/v1/alerts").at("alerts"));
}

std::set<std::string> LiveStack::firing_in_ruler() const {
    auto response = http::get(ruler->url("/api/v1/alerts"));
    if (response.status != 200) return {};
    return firing_keys(nlohmann::json::parse(response.body)["data"]["alerts"]);
}

void LiveStack::start_load() {
    load_ = std::thread([this] { load_loop(); });
}

void LiveStack::load_loop() {
    std::unique_ptr<pqxx::connection> db;
    for (int round = 0; !stop_load_; ++round) {
        try {
            if (!db) {
                db = std::make_unique<pqxx::connection>(primary.dsn());
                pqxx::nontransaction(*db).exec(
                    "CREATE TABLE IF NOT EXISTS live_load(id serial PRIMARY KEY, v text)");
            }
            {
                pqxx::work tx(*db);
                tx.exec("INSERT INTO live_load(v) VALUES (md5(random()::text))");
                tx.commit();
            }
            {
                pqxx::work tx(*db);
                tx.exec("UPDATE live_load SET v = v WHERE id = 1");
                tx.abort();
            }
            pqxx::nontransaction(*db).exec("SELECT count(*) FROM live_load");
        } catch (const std::exception&) {
            db.reset();  // a drill stopped the server; reconnect when it is back
        }
        try {
            std::string key = "live:" + std::to_string(round % 50);
            redis.command({"SET", key, "v"});
            redis.command({"GET", key});
            redis.command({"GET", "live:missing"});
        } catch (const std::exception&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

}  // namespace stackwatch::test
