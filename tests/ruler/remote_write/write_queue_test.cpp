#include "ruler/remote_write/write_queue.hpp"

#include <boost/test/unit_test.hpp>

#include "ruler/remote_write/remote_write_appender.hpp"
#include "ruler/remote_write/write_request.hpp"
#include "tests/ruler/remote_write/decode.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/process.hpp"

using namespace stackwatch;
using namespace std::chrono_literals;
using remote_write::RemoteWriteConfig;
using remote_write::WriteBuffer;
using remote_write::WriteMetrics;
using remote_write::WriteQueue;

namespace {

promql::Labels series(const std::string& name, const std::string& instance) {
    return promql::Labels{{"__name__", name}, {"instance", instance}};
}

RemoteWriteConfig config_for(const test::HttpReceiver& receiver) {
    RemoteWriteConfig config;
    config.url = receiver.url("/api/v1/write");
    config.name = "test";
    config.remote_timeout = 5s;
    config.queue.max_samples_per_send = 4;
    config.queue.batch_send_deadline = 50ms;
    config.queue.min_backoff = 5ms;
    config.queue.max_backoff = 20ms;
    return config;
}

std::shared_ptr<WriteBuffer> memory_buffer() {
    return std::make_shared<WriteBuffer>(":memory:");
}

double counter(prometheus::Registry& registry, const std::string& name) {
    for (const auto& family : registry.Collect())
        if (family.name == name)
            for (const auto& metric : family.metric) return metric.counter.value;
    return -1;
}

// Every sample the receiver took with a 2xx, as "name{instance} t=v", in arrival order.
std::vector<std::string> delivered(const test::HttpReceiver& receiver) {
    std::vector<std::string> out;
    for (const auto& request : receiver.requests()) {
        if (request.status / 100 != 2) continue;
        auto decoded = test::decode_write_request(request.body);
        for (const auto& ts : decoded.timeseries()) {
            std::string name;
            std::string instance;
            for (const auto& l : ts.labels())
                (l.name() == "__name__" ? name : instance) = l.value();
            for (const auto& s : ts.samples())
                out.push_back(name + "{" + instance + "} " + std::to_string(s.timestamp()) + "=" +
                              std::to_string(static_cast<int>(s.value())));
        }
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(write_queue)

BOOST_AUTO_TEST_CASE(a_request_groups_samples_by_series_in_order) {
    auto body = remote_write::encode_write_request(
        {{series("a", "1"), 1000, 1}, {series("b", "1"), 1000, 2}, {series("a", "1"), 2000, 3}});
    auto request = test::decode_write_request(body);
    BOOST_TEST_REQUIRE(request.timeseries_size() == 2);
    const auto& a = request.timeseries(0);
    BOOST_TEST_REQUIRE(a.labels_size() == 2);
    BOOST_TEST(a.labels(0).name() == "__name__");
    BOOST_TEST(a.labels(0).value() == "a");
    BOOST_TEST(a.labels(1).name() == "instance");
    BOOST_TEST_REQUIRE(a.samples_size() == 2);
    BOOST_TEST(a.samples(0).timestamp() == 1000);
    BOOST_TEST(a.samples(1).value() == 3);
    BOOST_TEST(request.timeseries(1).samples(0).value() == 2);
}

BOOST_AUTO_TEST_CASE(batches_carry_the_protocol_headers_and_retry_5xx_until_taken) {
    test::HttpReceiver receiver;
    receiver.script({503, 500, 503});
    prometheus::Registry registry;
    WriteMetrics metrics(registry);
    {
        WriteQueue queue(config_for(receiver), metrics, memory_buffer());
        for (int i = 0; i < 10; ++i) queue.append(series("up", "a"), i * 1000, i);
        BOOST_TEST(test::eventually([&] { return delivered(receiver).size() == 10u; }));
    }
    auto requests = receiver.requests();
    BOOST_TEST_REQUIRE(!requests.empty());
    BOOST_TEST(requests[0].headers["content-encoding"] == "snappy");
    BOOST_TEST(requests[0].headers["content-type"] == "application/x-protobuf");
    BOOST_TEST(requests[0].headers["x-prometheus-remote-write-version"] == "0.1.0");
    // The first batch was tried four times: three failures, then taken; nothing is lost or sent
    // twice, and the order holds.
    auto samples = delivered(receiver);
    BOOST_TEST_REQUIRE(samples.size() == 10u);
    for (int i = 0; i < 10; ++i)
        BOOST_TEST(samples[i] == "up{a} " + std::to_string(i * 1000) + "=" + std::to_string(i));
    BOOST_TEST(counter(registry, "prometheus_remote_storage_samples_total") == 10);
    BOOST_TEST(counter(registry, "prometheus_remote_storage_samples_retried_total") == 12);
    BOOST_TEST(counter(registry, "prometheus_remote_storage_samples_failed_total") == 0);
}

BOOST_AUTO_TEST_CASE(a_4xx_drops_the_batch_and_a_429_is_retried_only_when_asked) {
    test::HttpReceiver receiver;
    receiver.script({400, 429});
    prometheus::Registry registry;
    WriteMetrics metrics(registry);
    auto config = config_for(receiver);
    config.queue.max_samples_per_send = 2;
    {
        WriteQueue queue(config, metrics, memory_buffer());
        queue.append(series("up", "a"), 1000, 1);
        queue.append(series("up", "a"), 2000, 2);  // refused with 400: dropped
        BOOST_TEST(test::eventually([&] { return receiver.count() == 1u; }));
        queue.append(series("up", "a"), 3000, 3);
        queue.append(series("up", "a"), 4000, 4);  // 429 without retry_on_http_429: dropped
        BOOST_TEST(test::eventually([&] { return receiver.count() == 2u; }));
        queue.append(series("up", "a"), 5000, 5);
        queue.append(series("up", "a"), 6000, 6);
        BOOST_TEST(test::eventually([&] { return delivered(receiver).size() == 2u; }));
    }
    BOOST_TEST(delivered(receiver) == (std::vector<std::string>{"up{a} 5000=5", "up{a} 6000=6"}),
               boost::test_tools::per_element());
    BOOST_TEST(counter(registry, "prometheus_remote_storage_samples_failed_total") == 4);

    test::HttpReceiver patient;
    patient.script({429});
    config = config_for(patient);
    config.queue.retry_on_http_429 = true;
    {
        WriteQueue queue(config, metrics, memory_buffer());
        queue.append(series("up", "b"), 1000, 1);
        BOOST_TEST(test::eventually([&] { return delivered(patient).size() == 1u; }));
    }
    BOOST_TEST(patient.count() == 2u);
}

BOOST_AUTO_TEST_CASE(a_full_buffer_drops_its_oldest_batches_but_the_one_in_flight) {
    test::HttpReceiver receiver;
    receiver.hold(true);
    prometheus::Registry registry;
    WriteMetrics metrics(registry);
    auto config = config_for(receiver);
    config.queue.max_samples_per_send = 1;
    // Room for five one-sample batches (timestamps of the same varint size, so all the same).
    config.queue.max_buffer_bytes =
        5 * remote_write::encode_write_request({{series("up", "a"), 1000, 1}}).size();
    {
        WriteQueue queue(config, metrics, memory_buffer());
        queue.append(series("up", "a"), 1000, 1);
        // The sender is now stuck on the first batch at the held receiver.
        BOOST_TEST(test::eventually([&] { return receiver.count() == 1u; }));
        for (int i = 2; i <= 9; ++i) {
            queue.append(series("up", "a"), i * 1000, i);
            BOOST_TEST(test::eventually([&] {
                return counter(registry, "prometheus_remote_storage_samples_dropped_total") ==
                       std::max(0, i - 5);
            }));
        }
        receiver.hold(false);
        BOOST_TEST(test::eventually([&] { return delivered(receiver).size() == 5u; }));
    }
    std::vector<std::string> expected = {"up{a} 1000=1", "up{a} 6000=6", "up{a} 7000=7",
                                         "up{a} 8000=8", "up{a} 9000=9"};
    BOOST_TEST(delivered(receiver) == expected, boost::test_tools::per_element());
    BOOST_TEST(counter(registry, "prometheus_remote_storage_samples_dropped_total") == 4);
}

BOOST_AUTO_TEST_CASE(an_outage_across_a_restart_loses_nothing_and_keeps_the_order) {
    test::HttpReceiver receiver;
    receiver.always(503);
    auto dir = test::make_temp_dir("stackwatch-write-buffer");
    auto path = (dir / "remote_write.db").string();
    prometheus::Registry registry;
    WriteMetrics metrics(registry);
    auto config = config_for(receiver);
    std::vector<std::string> expected;
    {
        WriteQueue queue(config, metrics, std::make_shared<WriteBuffer>(path));
        for (int i = 1; i <= 10; ++i) {
            queue.append(series("up", i % 2 ? "a" : "b"), i * 1000, i);
            expected.push_back(std::string("up{") + (i % 2 ? "a" : "b") + "} " +
                               std::to_string(i * 1000) + "=" + std::to_string(i));
        }
        BOOST_TEST(test::eventually([&] {
            return counter(registry, "prometheus_remote_storage_samples_retried_total") >= 8;
        }));
    }  // stopped with the remote still down: the batches stay on disk
    BOOST_TEST(delivered(receiver).empty());
    BOOST_TEST(counter(registry, "prometheus_remote_storage_samples_failed_total") == 0);

    receiver.always(0);
    prometheus::Registry later_registry;
    WriteMetrics later(later_registry);
    {
        auto buffer = std::make_shared<WriteBuffer>(path);
        BOOST_TEST(buffer->samples(config.name + " " + config.url) == 10u);
        WriteQueue queue(config, later, buffer);
        queue.append(series("up", "a"), 11000, 11);
        expected.push_back("up{a} 11000=11");
        BOOST_TEST(test::eventually([&] { return delivered(receiver).size() == 11u; }));
        BOOST_TEST(test::eventually(
            [&] { return buffer->samples(config.name + " " + config.url) == 0u; }));
    }
    // Each series arrives in order (a remote refuses out-of-order samples); requests group
    // samples by series, so the whole is compared in time order.
    auto got = delivered(receiver);
    for (const std::string instance : {"a", "b"}) {
        int last = 0;
        for (const auto& sample : got) {
            if (!sample.starts_with("up{" + instance + "}")) continue;
            int t = std::stoi(sample.substr(sample.find('}') + 2));
            BOOST_TEST(t > last, sample << " after " << last);
            last = t;
        }
    }
    std::stable_sort(got.begin(), got.end(), [](const std::string& a, const std::string& b) {
        return std::stoi(a.substr(a.find('}') + 2)) < std::stoi(b.substr(b.find('}') + 2));
    });
    BOOST_TEST(got == expected, boost::test_tools::per_element());
    BOOST_TEST(counter(later_registry, "prometheus_remote_storage_samples_total") == 11);
    test::remove_dir(dir);
}

BOOST_AUTO_TEST_CASE(stop_sends_what_waits_and_a_dead_remote_does_not_hold_it_up) {
    test::HttpReceiver receiver;
    prometheus::Registry registry;
    WriteMetrics metrics(registry);
    auto config = config_for(receiver);
    config.queue.batch_send_deadline = 1h;  // only stop sends these
    config.queue.max_samples_per_send = 100;
    {
        WriteQueue queue(config, metrics, memory_buffer());
        for (int i = 0; i < 3; ++i) queue.append(series("up", "a"), i * 1000, i);
    }
    BOOST_TEST(delivered(receiver).size() == 3u);

    config.url = "http://127.0.0.1:1/api/v1/write";  // nothing listens there
    config.queue.batch_send_deadline = 10ms;
    WriteQueue queue(config, metrics, memory_buffer());
    queue.append(series("up", "a"), 1000, 1);
    BOOST_TEST(test::eventually(
        [&] { return counter(registry, "prometheus_remote_storage_samples_retried_total") >= 2; }));
    queue.stop();  // ends the backoff at once; the last attempt fails and is counted
    BOOST_TEST(counter(registry, "prometheus_remote_storage_samples_failed_total") == 1);
}

BOOST_AUTO_TEST_CASE(the_appender_sends_only_what_the_store_took_with_external_labels) {
    test::HttpReceiver receiver;
    storage::MemoryStore store;
    prometheus::Registry registry;
    remote_write::RemoteWriteAppender appender(std::make_shared<rules::MemoryStoreAppender>(store),
                                               registry, memory_buffer());
    auto config = config_for(receiver);
    config.queue.max_samples_per_send = 2;
    appender.set_remotes({config}, promql::Labels{{"cluster", "eu"}, {"instance", "ignored"}});
    BOOST_TEST(appender.append(series("job:up:sum", "a"), 2000, 1).empty());
    BOOST_TEST(!appender.append(series("job:up:sum", "a"), 1000, 2).empty());  // out of order
    BOOST_TEST(appender.append(series("job:up:sum", "a"), 3000, 3).empty());
    BOOST_TEST(test::eventually([&] { return receiver.count() == 1u; }));
    auto request = test::decode_write_request(receiver.requests().at(0).body);
    BOOST_TEST_REQUIRE(request.timeseries_size() == 1);
    const auto& ts = request.timeseries(0);
    BOOST_TEST_REQUIRE(ts.labels_size() == 3);
    BOOST_TEST(ts.labels(1).name() == "cluster");
    BOOST_TEST(ts.labels(2).value() == "a");  // the series' own label wins
    BOOST_TEST(ts.samples_size() == 2);
    BOOST_TEST(store.sample_count() == 2u);

    // A reload with the same remote keeps its queue: what waits in it is not lost.
    receiver.hold(true);
    appender.append(series("job:up:sum", "a"), 4000, 4);
    appender.append(series("job:up:sum", "a"), 5000, 5);
    BOOST_TEST(test::eventually([&] { return receiver.count() == 2u; }));
    appender.append(series("job:up:sum", "a"), 6000, 6);
    appender.set_remotes({config}, promql::Labels{{"cluster", "eu"}});
    receiver.hold(false);
    appender.append(series("job:up:sum", "a"), 7000, 7);
    BOOST_TEST(test::eventually([&] { return delivered(receiver).size() == 6u; }));
    appender.set_remotes({}, {});
    appender.append(series("job:up:sum", "a"), 8000, 8);
    BOOST_TEST(delivered(receiver).size() == 6u);
}

BOOST_AUTO_TEST_SUITE_END()
