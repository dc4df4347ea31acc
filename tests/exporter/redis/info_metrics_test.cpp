#include "exporter/redis/info_metrics.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/exporter/redis/metric_lookup.hpp"

using stackwatch::exporter::MetricSet;
using stackwatch::exporter::redis::emit_info_metrics;
using stackwatch::exporter::redis::parse_info_fields;
using stackwatch::test::find_family;
using stackwatch::test::find_series;
using stackwatch::test::sample_value;

namespace {

// Shaped like a Redis 7 replica's INFO ALL, with CRLF line ends as the server sends them.
const char* kReplicaInfo =
    "# Server\r\n"
    "redis_version:7.0.15\r\n"
    "redis_mode:standalone\r\n"
    "process_id:4242\r\n"
    "tcp_port:6380\r\n"
    "uptime_in_seconds:100\r\n"
    "hz:10\r\n"
    "\r\n"
    "# Clients\r\n"
    "connected_clients:7\r\n"
    "maxclients:10000\r\n"
    "\r\n"
    "# Memory\r\n"
    "used_memory:1048576\r\n"
    "maxmemory_policy:allkeys-lru\r\n"
    "\r\n"
    "# Persistence\r\n"
    "rdb_last_bgsave_status:ok\r\n"
    "aof_last_write_status:err\r\n"
    "\r\n"
    "# Stats\r\n"
    "keyspace_hits:12\r\n"
    "latest_fork_usec:2500\r\n"
    "instantaneous_input_kbps:0.75\r\n"
    "\r\n"
    "# Replication\r\n"
    "role:slave\r\n"
    "master_host:10.1.1.1\r\n"
    "master_port:6379\r\n"
    "master_link_status:down\r\n"
    "master_last_io_seconds_ago:3\r\n"
    "master_sync_in_progress:0\r\n"
    "slave_repl_offset:777\r\n"
    "slave_read_only:1\r\n"
    "connected_slaves:1\r\n"
    "slave0:ip=10.1.1.9,port=6381,state=online,offset=700,lag=2\r\n"
    "\r\n"
    "# CPU\r\n"
    "used_cpu_sys:1.500000\r\n"
    "\r\n"
    "# Commandstats\r\n"
    "cmdstat_set:calls=10,usec=50,usec_per_call=5.00,rejected_calls=1,failed_calls=2\r\n"
    "cmdstat_config|get:calls=2,usec=30,usec_per_call=15.00,rejected_calls=0,failed_calls=0\r\n"
    "cmdstat_config|set:calls=1,usec=12,usec_per_call=12.00,rejected_calls=0,failed_calls=0\r\n"
    "\r\n"
    "# Errorstats\r\n"
    "errorstat_WRONGTYPE:count=4\r\n"
    "\r\n"
    "# Latencystats\r\n"
    "latency_percentiles_usec_set:p50=4.015,p99=12.031,p99.9=20.095\r\n"
    "\r\n"
    "# Cluster\r\n"
    "cluster_enabled:0\r\n"
    "\r\n"
    "# Keyspace\r\n"
    "db0:keys=51,expires=3,avg_ttl=1500\r\n"
    "db2:keys=5,expires=0,avg_ttl=0\r\n";

MetricSet emit(const char* info, int databases = 4, double now = 1000.0) {
    MetricSet out;
    emit_info_metrics({.info = info, .database_count = databases, .now_seconds = now}, out);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(info_metrics)

BOOST_AUTO_TEST_CASE(plain_fields_keep_redis_exporter_names_and_types) {
    auto out = emit(kReplicaInfo);
    BOOST_TEST(*sample_value(out, "redis_connected_clients") == 7);
    BOOST_TEST(*sample_value(out, "redis_max_clients") == 10000);
    BOOST_TEST(*sample_value(out, "redis_memory_used_bytes") == 1048576);
    BOOST_TEST(*sample_value(out, "redis_keyspace_hits_total") == 12);
    BOOST_TEST(
        (find_family(out, "redis_keyspace_hits_total")->type == prometheus::MetricType::Counter));
    BOOST_TEST(*sample_value(out, "redis_cpu_sys_seconds_total") == 1.5);
    BOOST_TEST(
        (find_family(out, "redis_connected_clients")->type == prometheus::MetricType::Gauge));
    BOOST_TEST(find_family(out, "redis_connected_clients")->help == "connected_clients metric");
    BOOST_TEST(*sample_value(out, "redis_cluster_enabled") == 0);
    BOOST_TEST(*sample_value(out, "redis_hz") == 10);
    // Fields redis_exporter does not export stay out.
    BOOST_TEST(!find_family(out, "redis_instantaneous_input_kbps"));
}

BOOST_AUTO_TEST_CASE(status_words_and_unit_conversions) {
    auto out = emit(kReplicaInfo);
    BOOST_TEST(*sample_value(out, "redis_rdb_last_bgsave_status") == 1);
    BOOST_TEST(*sample_value(out, "redis_aof_last_write_status") == 0);
    BOOST_TEST(*sample_value(out, "redis_latest_fork_seconds") == 0.0025);
    BOOST_TEST(!find_family(out, "redis_latest_fork_usec"));
    BOOST_TEST(*sample_value(out, "redis_start_time_seconds") == 900);
}

BOOST_AUTO_TEST_CASE(keyspace_per_database_with_empty_ones_padded) {
    auto out = emit(kReplicaInfo, 4);
    BOOST_TEST(*sample_value(out, "redis_db_keys", {{"db", "db0"}}) == 51);
    BOOST_TEST(*sample_value(out, "redis_db_keys_expiring", {{"db", "db0"}}) == 3);
    BOOST_TEST(*sample_value(out, "redis_db_avg_ttl_seconds", {{"db", "db0"}}) == 1.5);
    BOOST_TEST(*sample_value(out, "redis_db_keys", {{"db", "db1"}}) == 0);
    BOOST_TEST(*sample_value(out, "redis_db_keys", {{"db", "db2"}}) == 5);
    BOOST_TEST(*sample_value(out, "redis_db_keys", {{"db", "db3"}}) == 0);
    BOOST_TEST(find_family(out, "redis_db_keys")->metric.size() == 4u);
}

BOOST_AUTO_TEST_CASE(command_stats_errors_and_latency_summary) {
    MetricSet out;
    auto summary =
        emit_info_metrics({.info = kReplicaInfo, .database_count = 1, .now_seconds = 0}, out);
    BOOST_TEST(*sample_value(out, "redis_commands_total", {{"cmd", "set"}}) == 10);
    BOOST_TEST(*sample_value(out, "redis_commands_duration_seconds_total", {{"cmd", "set"}}) ==
               50e-6);
    BOOST_TEST(*sample_value(out, "redis_commands_rejected_calls_total", {{"cmd", "set"}}) == 1);
    BOOST_TEST(*sample_value(out, "redis_commands_failed_calls_total", {{"cmd", "set"}}) == 2);
    BOOST_TEST(*sample_value(out, "redis_errors_total", {{"err", "WRONGTYPE"}}) == 4);
    const auto* latency = find_series(out, "redis_latency_percentiles_usec", {{"cmd", "set"}});
    BOOST_REQUIRE(latency);
    BOOST_TEST(latency->summary.sample_count == 10u);
    BOOST_TEST(latency->summary.sample_sum == 50);
    BOOST_REQUIRE(latency->summary.quantile.size() == 3u);
    BOOST_TEST(latency->summary.quantile[2].quantile == 99.9);
    BOOST_TEST(latency->summary.quantile[2].value == 20.095);
    BOOST_TEST(summary.command_usec.at("config|get") == 30);
    BOOST_TEST(summary.command_usec.at("config") == 42);
    BOOST_TEST(summary.role == "slave");
}

BOOST_AUTO_TEST_CASE(replication_links_and_instance_info) {
    auto out = emit(kReplicaInfo);
    stackwatch::exporter::Labels master{{"master_host", "10.1.1.1"}, {"master_port", "6379"}};
    BOOST_TEST(*sample_value(out, "redis_master_link_up", master) == 0);
    BOOST_TEST(*sample_value(out, "redis_master_last_io_seconds_ago", master) == 3);
    BOOST_TEST(*sample_value(out, "redis_slave_repl_offset", master) == 777);
    stackwatch::exporter::Labels slave{
        {"slave_ip", "10.1.1.9"}, {"slave_port", "6381"}, {"slave_state", "online"}};
    BOOST_TEST(*sample_value(out, "redis_connected_slave_offset_bytes", slave) == 700);
    BOOST_TEST(*sample_value(out, "redis_connected_slave_lag_seconds", slave) == 2);
    BOOST_TEST(*sample_value(out, "redis_slave_info",
                             {{"read_only", "1"}, {"master_host", "10.1.1.1"}}) == 1);
    BOOST_TEST(*sample_value(out, "redis_instance_info",
                             {{"role", "slave"},
                              {"redis_version", "7.0.15"},
                              {"tcp_port", "6380"},
                              {"maxmemory_policy", "allkeys-lru"},
                              {"process_id", "4242"}}) == 1);
}

BOOST_AUTO_TEST_CASE(cluster_mode_has_a_single_database) {
    auto out = emit("# Cluster\r\ncluster_enabled:1\r\n# Keyspace\r\n", 16);
    BOOST_TEST(find_family(out, "redis_db_keys")->metric.size() == 1u);
}

BOOST_AUTO_TEST_CASE(fields_map_for_health) {
    auto fields = parse_info_fields(kReplicaInfo);
    BOOST_TEST(fields.at("used_memory") == "1048576");
    BOOST_TEST(fields.at("role") == "slave");
    BOOST_TEST(fields.count("# Server") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
