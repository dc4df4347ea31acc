#include "exporter/redis/redis_target.hpp"

#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <map>
#include <sstream>
#include <thread>

#include "exporter/redis/info_metrics.hpp"
#include "tests/exporter/redis/metric_lookup.hpp"
#include "tests/exporter/redis/recording_latency.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"

using namespace std::chrono_literals;
using stackwatch::exporter::Deadline;
using stackwatch::exporter::MetricSet;
using stackwatch::exporter::redis::parse_redis_address;
using stackwatch::exporter::redis::RedisConnection;
using stackwatch::exporter::redis::RedisTarget;
using stackwatch::exporter::redis::RedisTargetOptions;
using stackwatch::test::find_family;
using stackwatch::test::find_series;
using stackwatch::test::label_value;
using stackwatch::test::RecordingLatency;
using stackwatch::test::sample_value;
using stackwatch::test::shared_redis;
using stackwatch::test::type_name;

using stackwatch::test::eventually;

namespace {

RedisTargetOptions options_for_shared(const std::string& password) {
    return {.name = "cache", .address = shared_redis().address(), .password = password};
}

MetricSet collect(RedisTarget& target, std::chrono::milliseconds budget = 5s) {
    RecordingLatency latency;
    MetricSet out;
    target.collect(out, Deadline::in(budget), latency);
    return out;
}

std::string scrape_error(const MetricSet& out) {
    const auto* family = find_family(out, "redis_exporter_last_scrape_error");
    return family && !family->metric.empty() ? label_value(family->metric.front(), "err")
                                             : "<missing>";
}

// Lines of CLIENT LIST for clients carrying our name.
std::vector<std::string> exporter_clients() {
    std::istringstream lines(shared_redis().command({"CLIENT", "LIST"}));
    std::vector<std::string> found;
    for (std::string line; std::getline(lines, line);)
        if (line.find("name=stackwatch-exporter ") != std::string::npos) found.push_back(line);
    return found;
}


// True while the server does not answer a PING within 100 ms (e.g. inside DEBUG SLEEP).
bool server_unresponsive() {
    try {
        auto endpoint =
            parse_redis_address(shared_redis().address(), "", shared_redis().password());
        RedisConnection probe(endpoint, Deadline::in(100ms));
        probe.pipeline({{"AUTH", shared_redis().password()}, {"PING"}}, Deadline::in(100ms));
        return false;
    } catch (const std::exception&) {
        return true;
    }
}

struct ExpectedFamily {
    const char* name;
    const char* type;
    std::vector<std::string> labels;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(redis_target)

BOOST_AUTO_TEST_CASE(every_family_present_typed_and_labelled) {
    shared_redis().command({"SET", "family:key", "v"});
    shared_redis().command({"SET", "family:expiring", "v", "EX", "600"});
    BOOST_CHECK_THROW(shared_redis().command({"HSET", "family:key", "f", "v"}),
                      std::runtime_error);  // Errorstats
    RedisTarget target(options_for_shared(shared_redis().password()));
    auto out = collect(target);
    BOOST_TEST_INFO("scrape error: " << scrape_error(out));
    BOOST_REQUIRE(*sample_value(out, "redis_up") == 1);

    const std::vector<ExpectedFamily> expected = {
        {"redis_up", "gauge", {}},
        {"redis_instance_info",
         "gauge",
         {"role", "redis_version", "redis_build_id", "redis_mode", "os", "maxmemory_policy",
          "tcp_port", "run_id", "process_id", "master_replid"}},
        {"redis_start_time_seconds", "gauge", {}},
        {"redis_uptime_in_seconds", "gauge", {}},
        {"redis_memory_used_bytes", "gauge", {}},
        {"redis_memory_max_bytes", "gauge", {}},
        {"redis_connected_clients", "gauge", {}},
        {"redis_max_clients", "gauge", {}},
        {"redis_keyspace_hits_total", "counter", {}},
        {"redis_keyspace_misses_total", "counter", {}},
        {"redis_commands_processed_total", "counter", {}},
        {"redis_connections_received_total", "counter", {}},
        {"redis_cpu_sys_seconds_total", "counter", {}},
        {"redis_cpu_user_seconds_total", "counter", {}},
        {"redis_rdb_last_bgsave_status", "gauge", {}},
        {"redis_connected_slaves", "gauge", {}},
        {"redis_db_keys", "gauge", {"db"}},
        {"redis_db_keys_expiring", "gauge", {"db"}},
        {"redis_db_avg_ttl_seconds", "gauge", {"db"}},
        {"redis_commands_total", "counter", {"cmd"}},
        {"redis_commands_duration_seconds_total", "counter", {"cmd"}},
        {"redis_commands_rejected_calls_total", "counter", {"cmd"}},
        {"redis_commands_failed_calls_total", "counter", {"cmd"}},
        {"redis_errors_total", "counter", {"err"}},
        {"redis_latency_percentiles_usec", "summary", {"cmd"}},
        {"redis_commands_latencies_usec", "histogram", {"cmd"}},
        {"stackwatch_redis_command_latency_seconds", "histogram", {"cmd"}},
        {"redis_slowlog_length", "gauge", {}},
        {"redis_slowlog_last_id", "gauge", {}},
        {"redis_last_slow_execution_duration_seconds", "gauge", {}},
        {"redis_config_maxclients", "gauge", {}},
        {"redis_config_maxmemory", "gauge", {}},
        {"redis_config_client_output_buffer_limit_bytes", "gauge", {"class", "limit"}},
        {"redis_exporter_last_scrape_duration_seconds", "gauge", {}},
        {"redis_exporter_last_scrape_connect_time_seconds", "gauge", {}},
        {"redis_exporter_last_scrape_ping_time_seconds", "gauge", {}},
        {"redis_exporter_scrape_duration_seconds", "summary", {}},
        {"redis_exporter_scrapes_total", "counter", {}},
        {"redis_exporter_last_scrape_error", "gauge", {"err"}},
    };
    for (const auto& want : expected) {
        BOOST_TEST_CONTEXT("family " << want.name) {
            const auto* family = find_family(out, want.name);
            BOOST_REQUIRE(family != nullptr);
            BOOST_TEST(type_name(family->type) == want.type);
            BOOST_TEST(!family->help.empty());
            BOOST_REQUIRE(!family->metric.empty());
            for (const auto& metric : family->metric) {
                std::vector<std::string> names;
                for (const auto& label : metric.label) names.push_back(label.name);
                BOOST_TEST(names == want.labels, boost::test_tools::per_element());
            }
        }
    }
    BOOST_TEST(*sample_value(out, "redis_errors_total", {{"err", "WRONGTYPE"}}) >= 1);
    BOOST_TEST(*sample_value(out, "redis_config_maxclients") > 0);
    BOOST_TEST(*sample_value(out, "redis_exporter_last_scrape_error", {{"err", ""}}) == 0);
    BOOST_TEST(*sample_value(
                   out, "redis_instance_info",
                   {{"role", "master"}, {"tcp_port", std::to_string(shared_redis().port())}}) == 1);
}

BOOST_AUTO_TEST_CASE(values_follow_activity) {
    RedisTarget target(options_for_shared(shared_redis().password()));
    auto before = collect(target);
    BOOST_REQUIRE(*sample_value(before, "redis_up") == 1);
    double sets_before = sample_value(before, "redis_commands_total", {{"cmd", "set"}}).value_or(0);
    double keys_before = sample_value(before, "redis_db_keys", {{"db", "db0"}}).value_or(0);
    double expiring_before =
        sample_value(before, "redis_db_keys_expiring", {{"db", "db0"}}).value_or(0);
    double hits_before = *sample_value(before, "redis_keyspace_hits_total");

    constexpr int kSets = 25;
    for (int i = 0; i < kSets; ++i)
        shared_redis().command({"SET", "activity:" + std::to_string(i), "v"});
    shared_redis().command({"SET", "activity:ttl", "v", "EX", "300"});
    shared_redis().command({"GET", "activity:0"});
    shared_redis().command(
        {"SELECT", "3"});  // the next SET goes through a fresh connection to db0 anyway

    auto after = collect(target);
    BOOST_REQUIRE(*sample_value(after, "redis_up") == 1);
    BOOST_TEST(*sample_value(after, "redis_commands_total", {{"cmd", "set"}}) >=
               sets_before + kSets + 1);
    BOOST_TEST(*sample_value(after, "redis_db_keys", {{"db", "db0"}}) >= keys_before + kSets + 1);
    BOOST_TEST(*sample_value(after, "redis_db_keys_expiring", {{"db", "db0"}}) >=
               expiring_before + 1);
    BOOST_TEST(*sample_value(after, "redis_keyspace_hits_total") >= hits_before + 1);
    BOOST_TEST(*sample_value(after, "redis_exporter_scrapes_total") == 2);
    const auto* histogram =
        find_series(after, "stackwatch_redis_command_latency_seconds", {{"cmd", "set"}});
    BOOST_REQUIRE(histogram);
    BOOST_TEST(histogram->histogram.sample_count >= static_cast<std::uint64_t>(kSets));
    // Cumulative and ending with +Inf at the total count.
    std::uint64_t previous = 0;
    for (const auto& bucket : histogram->histogram.bucket) {
        BOOST_TEST(bucket.cumulative_count >= previous);
        previous = bucket.cumulative_count;
    }
    BOOST_TEST(previous == histogram->histogram.sample_count);
}

BOOST_AUTO_TEST_CASE(fixed_latency_buckets_agree_with_redis_buckets) {
    for (const char* seconds : {"0", "0.0003", "0.002", "0.02", "0.05"})
        shared_redis().command({"DEBUG", "SLEEP", seconds});
    RedisTarget target(options_for_shared(shared_redis().password()));
    auto out = collect(target);
    const auto* native = find_series(out, "redis_commands_latencies_usec", {{"cmd", "debug"}});
    const auto* fixed =
        find_series(out, "stackwatch_redis_command_latency_seconds", {{"cmd", "debug"}});
    BOOST_REQUIRE(native);
    BOOST_REQUIRE(fixed);
    BOOST_TEST(fixed->histogram.sample_count == native->histogram.sample_count);
    BOOST_TEST(fixed->histogram.sample_sum * 1e6 == native->histogram.sample_sum,
               boost::test_tools::tolerance(1e-9));
    BOOST_TEST(native->histogram.bucket.size() >= 4u);  // the sleeps spread over several buckets
    for (const auto& bucket : fixed->histogram.bucket) {
        if (std::isinf(bucket.upper_bound)) continue;
        // Redis' microsecond bounds sit within 1% of the powers of two the fixed bounds use.
        std::uint64_t expected = 0;
        for (const auto& redis_bucket : native->histogram.bucket)
            if (redis_bucket.upper_bound <= bucket.upper_bound * 1e6 * 1.01)
                expected = redis_bucket.cumulative_count;
        BOOST_TEST(bucket.cumulative_count == expected, "le=" << bucket.upper_bound);
    }
}

BOOST_AUTO_TEST_CASE(slowlog_and_latency_events) {
    auto& redis = shared_redis();
    // Thresholds far above what a busy machine makes of an ordinary command (1 ms caught the
    // collector's own INFO under load), and a sleep far above them.
    redis.command({"CONFIG", "SET", "slowlog-log-slower-than", "40000"});
    redis.command({"CONFIG", "SET", "latency-monitor-threshold", "40"});
    redis.command({"DEBUG", "SLEEP", "0.05"});
    std::istringstream latest(redis.command({"SLOWLOG", "GET", "1"}));
    std::string last_id;
    std::getline(latest, last_id);
    RedisTarget target(options_for_shared(redis.password()));
    auto out = collect(target);
    redis.command({"CONFIG", "SET", "slowlog-log-slower-than", "10000"});
    redis.command({"CONFIG", "SET", "latency-monitor-threshold", "0"});

    BOOST_TEST(*sample_value(out, "redis_slowlog_length") >= 1);
    BOOST_TEST(*sample_value(out, "redis_slowlog_last_id") == std::stod(last_id));
    BOOST_TEST(*sample_value(out, "redis_last_slow_execution_duration_seconds") >= 0.05);
    BOOST_TEST(*sample_value(out, "redis_latency_spike_duration_seconds",
                             {{"event_name", "command"}}) >= 0.05);
    BOOST_TEST(*sample_value(out, "redis_latency_spike_last", {{"event_name", "command"}}) > 0);
}

BOOST_AUTO_TEST_CASE(health_degraded_near_maxmemory) {
    auto& redis = shared_redis();
    RedisTarget target(options_for_shared(redis.password()));
    RecordingLatency latency;
    double used = target.health(Deadline::in(5s), latency)["used_memory"].get<double>();
    // A limit just above what is in use: the server still works, but is at >= 90% of it.
    redis.command(
        {"CONFIG", "SET", "maxmemory", std::to_string(static_cast<long long>(used * 1.05))});
    auto health = target.health(Deadline::in(5s), latency);
    redis.command({"CONFIG", "SET", "maxmemory", "0"});
    BOOST_TEST(health["status"] == "degraded", health.dump());
    BOOST_TEST(health["maxmemory"].get<double>() > 0);
}

BOOST_AUTO_TEST_CASE(latency_histograms_can_be_left_out) {
    auto options = options_for_shared(shared_redis().password());
    options.latency_histograms = false;
    RedisTarget target(options);
    auto histogram_calls = [] {
        auto stats = stackwatch::exporter::redis::parse_info_fields(
            shared_redis().command({"INFO", "commandstats"}));
        return stats["cmdstat_latency|histogram"];
    };
    auto before = histogram_calls();
    auto out = collect(target);
    BOOST_TEST(*sample_value(out, "redis_up") == 1);
    BOOST_TEST(!find_family(out, "redis_commands_latencies_usec"));
    BOOST_TEST(!find_family(out, "stackwatch_redis_command_latency_seconds"));
    BOOST_TEST(find_family(out, "redis_latency_percentiles_usec"));
    BOOST_TEST(histogram_calls() == before);
}

BOOST_AUTO_TEST_CASE(one_connection_reused_and_named) {
    RedisTarget target(options_for_shared(shared_redis().password()));
    BOOST_REQUIRE(eventually([] { return exporter_clients().empty(); }));
    RecordingLatency latency;
    MetricSet first, second;
    target.collect(first, Deadline::in(5s), latency);
    auto clients_after_first = exporter_clients();
    target.collect(second, Deadline::in(5s), latency);
    auto clients_after_second = exporter_clients();
    BOOST_REQUIRE(clients_after_first.size() == 1u);
    BOOST_REQUIRE(clients_after_second.size() == 1u);
    auto id = [](const std::string& line) { return line.substr(0, line.find(' ')); };
    BOOST_TEST(id(clients_after_first[0]) == id(clients_after_second[0]));
    BOOST_TEST(*sample_value(first, "redis_exporter_last_scrape_connect_time_seconds") > 0);
    BOOST_TEST(*sample_value(second, "redis_exporter_last_scrape_connect_time_seconds") == 0);
    BOOST_REQUIRE(latency.probes.size() == 2u);
    BOOST_TEST(latency.probes[0].target == "cache");
    BOOST_TEST(latency.probes[0].what == "redis");
    BOOST_TEST(latency.probes[0].seconds > 0);
}

BOOST_AUTO_TEST_CASE(down_while_stopped_and_back_after_start) {
    RedisTarget target(options_for_shared(shared_redis().password()));
    BOOST_REQUIRE(*sample_value(collect(target), "redis_up") == 1);
    shared_redis().stop();
    auto down = collect(target, 2s);
    shared_redis().start();
    BOOST_TEST(*sample_value(down, "redis_up") == 0);
    BOOST_TEST(*sample_value(down, "redis_exporter_last_scrape_error") == 1);
    BOOST_TEST(scrape_error(down) != "");
    BOOST_TEST(!find_family(down, "redis_memory_used_bytes"));
    auto health = target.health(Deadline::in(2s), *std::make_unique<RecordingLatency>());
    BOOST_TEST(health["status"] == "ok");
    BOOST_TEST(*sample_value(collect(target), "redis_up") == 1);
}

BOOST_AUTO_TEST_CASE(slow_server_does_not_hold_the_scrape_past_its_deadline) {
    RedisTarget target(options_for_shared(shared_redis().password()));
    BOOST_REQUIRE(*sample_value(collect(target), "redis_up") == 1);
    std::thread sleeper([] { shared_redis().command({"DEBUG", "SLEEP", "3"}); });
    BOOST_REQUIRE(eventually([] { return server_unresponsive(); }, 3s));

    auto start = std::chrono::steady_clock::now();
    auto out = collect(target, 1s);
    auto took = std::chrono::steady_clock::now() - start;
    sleeper.join();

    // The deadline, not the 3 s sleep, ends the collection (with slack for a loaded machine).
    BOOST_TEST(std::chrono::duration<double>(took).count() < 2.0);
    BOOST_TEST(*sample_value(out, "redis_up") == 0);
    BOOST_TEST(scrape_error(out).find("deadline") != std::string::npos);
    // The abandoned connection goes away and the next scrape builds exactly one new one.
    BOOST_TEST(*sample_value(collect(target), "redis_up") == 1);
    BOOST_TEST(eventually([] { return exporter_clients().size() <= 1; }));
    BOOST_TEST(exporter_clients().size() == 1u);
}

BOOST_AUTO_TEST_CASE(wrong_password_is_reported_without_the_password) {
    const std::string wrong = "not-the-right-secret";
    RedisTarget target(options_for_shared(wrong));
    auto out = collect(target);
    BOOST_TEST(*sample_value(out, "redis_up") == 0);
    auto error = scrape_error(out);
    BOOST_TEST(error.find("authentication failed") != std::string::npos, error);
    BOOST_TEST(error.find(wrong) == std::string::npos);
    BOOST_TEST(out.serialize().find(wrong) == std::string::npos);
    auto health = target.health(Deadline::in(2s), *std::make_unique<RecordingLatency>());
    BOOST_TEST(health["status"] == "down");
    BOOST_TEST(health["error"].get<std::string>().find(wrong) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_password_is_reported) {
    RedisTarget target(options_for_shared(""));
    auto out = collect(target);
    BOOST_TEST(*sample_value(out, "redis_up") == 0);
    BOOST_TEST(scrape_error(out).find("NOAUTH") != std::string::npos, scrape_error(out));
}

BOOST_AUTO_TEST_CASE(user_and_password_through_acl) {
    shared_redis().command({"ACL", "SETUSER", "monitor", "on", ">monitor-secret", "+@all", "~*"});
    RedisTargetOptions options = options_for_shared("monitor-secret");
    options.user = "monitor";
    RedisTarget target(options);
    auto out = collect(target);
    BOOST_TEST_INFO("scrape error: " << scrape_error(out));
    BOOST_TEST(*sample_value(out, "redis_up") == 1);
    shared_redis().command({"ACL", "DELUSER", "monitor"});
}

BOOST_AUTO_TEST_CASE(unix_socket_address) {
    // A second, socket-only server: the shared one listens on TCP alone.
    auto dir = stackwatch::test::make_temp_dir("stackwatch-redis-unix");
    auto socket = dir / "redis.sock";
    pid_t pid =
        stackwatch::test::spawn({"redis-server", "--port", "0", "--unixsocket", socket.string(),
                                 "--dir", dir.string(), "--save", "", "--appendonly", "no"},
                                {.log_file = dir / "redis.log"});
    stackwatch::test::guard_pid(pid);
    RedisTarget target({.name = "socket", .address = "unix://" + socket.string()});
    MetricSet out;
    bool up = eventually([&] {
        out = collect(target, 1s);
        return sample_value(out, "redis_up") == 1.0;
    });
    stackwatch::test::stop_process(pid, SIGTERM, 10s);
    stackwatch::test::unguard_pid(pid);
    stackwatch::test::remove_dir(dir);
    BOOST_TEST(up, "scrape error: " << scrape_error(out));
    BOOST_TEST(*sample_value(out, "redis_instance_info", {{"tcp_port", "0"}}) == 1);
}

BOOST_AUTO_TEST_CASE(health_reports_memory_clients_and_role) {
    RedisTarget target(options_for_shared(shared_redis().password()));
    RecordingLatency latency;
    auto health = target.health(Deadline::in(5s), latency);
    BOOST_TEST(health["status"] == "ok");
    BOOST_TEST(health["error"].is_null());
    BOOST_TEST(health["latency_ms"].get<double>() > 0);
    BOOST_TEST(health["used_memory"].get<double>() > 0);
    BOOST_TEST(health["maxmemory"].get<double>() >= 0);
    BOOST_TEST(health["connected_clients"].get<double>() >= 1);
    BOOST_TEST(health["maxclients"].get<double>() > 0);
    BOOST_TEST(health["role"] == "master");
    BOOST_TEST(latency.probes.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
