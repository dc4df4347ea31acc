#include <boost/test/unit_test.hpp>
#include <cstring>

#include "exporter/redis/config_metrics.hpp"
#include "exporter/redis/latency_metrics.hpp"
#include "exporter/redis/slowlog_metrics.hpp"

using stackwatch::exporter::MetricSet;
namespace redis = stackwatch::exporter::redis;

namespace {

// What a server before Redis 7 answers to LATENCY HISTOGRAM or a multi-pattern CONFIG GET.
struct ErrorReply {
    std::string text = "ERR unknown subcommand 'HISTOGRAM'";
    redisReply reply{};
    ErrorReply() {
        reply.type = REDIS_REPLY_ERROR;
        reply.str = text.data();
        reply.len = text.size();
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(reply_metrics)

BOOST_AUTO_TEST_CASE(error_replies_from_older_servers_add_nothing) {
    ErrorReply error;
    MetricSet out;
    redis::emit_latency_histograms(error.reply, {}, out);
    redis::emit_latency_spikes(error.reply, out);
    auto config = redis::emit_config_metrics(error.reply, out);
    BOOST_TEST(out.families().empty());
    BOOST_TEST(config.databases == 0);
}

BOOST_AUTO_TEST_CASE(slowlog_length_without_entries) {
    redisReply length{};
    length.type = REDIS_REPLY_INTEGER;
    length.integer = 0;
    redisReply empty{};
    empty.type = REDIS_REPLY_ARRAY;
    MetricSet out;
    redis::emit_slowlog(length, empty, out);
    BOOST_TEST(out.contains("redis_slowlog_length"));
    BOOST_TEST(out.contains("redis_slowlog_last_id"));
    BOOST_TEST(out.contains("redis_last_slow_execution_duration_seconds"));
}

BOOST_AUTO_TEST_SUITE_END()
