// Rules query the store through the engine while scrapes keep appending.

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <thread>

#include "ruler/promql/engine.hpp"
#include "ruler/storage/memory_store.hpp"

using namespace stackwatch::promql;
using stackwatch::storage::MemoryStore;

BOOST_AUTO_TEST_CASE(queries_see_consistent_data_while_samples_arrive) {
    MemoryStore store;
    Labels counter{{std::string(kMetricName), "requests_total"}, {"job", "api"}};
    constexpr int kPreloaded = 61;  // one sample a second, so rate over [1m] at 60s is exactly 1
    constexpr int kTotal = 3000;
    for (int i = 0; i < kPreloaded; ++i) store.append(counter, i * 1000, i);

    std::atomic<bool> writing{true};
    std::thread writer([&] {
        for (int i = kPreloaded; i < kTotal; ++i) store.append(counter, i * 1000, i);
        writing = false;
    });
    Engine engine;
    int queries = 0;
    double last_count = 0;
    bool rate_stable = true, count_monotonic = true;
    auto query_once = [&] {
        auto rate = std::get<Vector>(engine.instant("rate(requests_total[1m])", 60'000, store));
        if (rate.size() != 1 || rate[0].v != 1) rate_stable = false;
        auto count = std::get<Vector>(
            engine.instant("count_over_time(requests_total[1h])", 3600'000, store));
        double n = count.at(0).v;
        if (n < last_count) count_monotonic = false;
        last_count = n;
        ++queries;
    };
    while (writing) query_once();
    writer.join();
    query_once();
    BOOST_TEST(queries > 0);
    BOOST_TEST(rate_stable);
    BOOST_TEST(count_monotonic);
    BOOST_TEST(last_count == kTotal);
}
