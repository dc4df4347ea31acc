#include "ruler/storage/memory_store.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <thread>

using namespace stackwatch::promql;
using stackwatch::storage::AppendResult;
using stackwatch::storage::MemoryStore;
using stackwatch::storage::MemoryStoreOptions;

namespace {

Labels series(const std::string& name, const std::string& instance) {
    return Labels{{std::string(kMetricName), name}, {"instance", instance}};
}

std::vector<Matcher> named(const std::string& name) {
    return {Matcher(MatchType::equal, std::string(kMetricName), name)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(memory_store)

BOOST_AUTO_TEST_CASE(select_returns_matching_series_within_the_time_range) {
    MemoryStore store;
    for (int t = 0; t < 10; ++t) {
        BOOST_TEST((store.append(series("up", "a"), t * 1000, t) == AppendResult::ok));
        BOOST_TEST((store.append(series("up", "b"), t * 1000, -t) == AppendResult::ok));
        BOOST_TEST((store.append(series("down", "a"), t * 1000, t) == AppendResult::ok));
    }
    auto result = store.select({Matcher(MatchType::equal, std::string(kMetricName), "up"),
                                Matcher(MatchType::regex, "instance", "a|c")},
                               2000, 4000);
    BOOST_TEST_REQUIRE(result.size() == 1u);
    BOOST_TEST(result[0].labels == series("up", "a"));
    BOOST_TEST_REQUIRE(result[0].samples.size() == 3u);
    BOOST_TEST(result[0].samples.front().t == 2000);
    BOOST_TEST(result[0].samples.back().v == 4);
    // Without a name matcher every series is considered.
    BOOST_TEST(store.select({Matcher(MatchType::equal, "instance", "a")}, 0, 9000).size() == 2u);
    BOOST_TEST(store.select(named("up"), 20000, 30000).empty());
    BOOST_TEST(store.series_count() == 3u);
    BOOST_TEST(store.sample_count() == 30u);
}

BOOST_AUTO_TEST_CASE(select_returns_series_in_the_order_they_were_created) {
    MemoryStore store;
    std::vector<std::string> created;
    for (int i = 0; i < 200; ++i) {
        // Not in label order, nor in any hash order: 7 * i mod 200 visits every instance once.
        created.push_back("i" + std::to_string(7 * i % 200));
        store.append(series(i % 2 == 0 ? "up" : "down", created.back()), 1000, i);
    }
    store.append(series("up", "dropped"), 0, 0);
    store.truncate_before(1000);  // removes a series, so the name index is rebuilt
    auto instances = [](const std::vector<Series>& found) {
        std::vector<std::string> out;
        for (const auto& s : found) out.push_back(s.labels.get("instance"));
        return out;
    };
    std::vector<std::string> every_up;
    for (std::size_t i = 0; i < created.size(); i += 2) every_up.push_back(created[i]);
    BOOST_TEST(instances(store.select(named("up"), 0, 2000)) == every_up,
               boost::test_tools::per_element());
    std::vector<Matcher> any_instance{Matcher(MatchType::regex, "instance", "i.*")};
    BOOST_TEST(instances(store.select(any_instance, 0, 2000)) == created,
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(out_of_order_samples_are_rejected) {
    MemoryStore store;
    BOOST_TEST((store.append(series("up", "a"), 2000, 1) == AppendResult::ok));
    BOOST_TEST((store.append(series("up", "a"), 1000, 1) == AppendResult::out_of_order));
    BOOST_TEST((store.append(series("up", "a"), 2000, 5) == AppendResult::out_of_order));
    // The very same sample again is a harmless retry.
    BOOST_TEST((store.append(series("up", "a"), 2000, 1) == AppendResult::ok));
    BOOST_TEST(store.sample_count() == 1u);
}

BOOST_AUTO_TEST_CASE(stale_markers_are_stored_and_returned) {
    MemoryStore store;
    store.append(series("up", "a"), 1000, 1);
    BOOST_TEST((store.append(series("up", "a"), 2000, stale_marker()) == AppendResult::ok));
    auto result = store.select(named("up"), 0, 5000);
    BOOST_TEST(is_stale_marker(result.at(0).samples.at(1).v));
}

BOOST_AUTO_TEST_CASE(series_limit_refuses_new_series_only) {
    MemoryStore store(MemoryStoreOptions{.max_series = 2});
    BOOST_TEST((store.append(series("up", "a"), 1000, 1) == AppendResult::ok));
    BOOST_TEST((store.append(series("up", "b"), 1000, 1) == AppendResult::ok));
    BOOST_TEST((store.append(series("up", "c"), 1000, 1) == AppendResult::series_limit));
    BOOST_TEST((store.append(series("up", "a"), 2000, 1) == AppendResult::ok));
    BOOST_TEST(store.series_count() == 2u);
    store.truncate_before(2000);  // drops series b, which frees a slot
    BOOST_TEST((store.append(series("up", "c"), 3000, 1) == AppendResult::ok));
}

BOOST_AUTO_TEST_CASE(truncation_drops_old_samples_and_empty_series) {
    MemoryStore store;
    for (int t = 0; t < 10; ++t) store.append(series("up", "a"), t * 1000, t);
    store.append(series("old", "a"), 0, 1);
    std::size_t before = store.memory_bytes();
    store.truncate_before(5000);
    BOOST_TEST(store.series_count() == 1u);
    BOOST_TEST(store.sample_count() == 5u);
    BOOST_TEST(store.memory_bytes() < before);
    auto result = store.select(named("up"), 0, 10000);
    BOOST_TEST(result.at(0).samples.front().t == 5000);
    BOOST_TEST(store.select(named("old"), 0, 10000).empty());
    store.clear();
    BOOST_TEST(store.series_count() == 0u);
    BOOST_TEST(store.select(named("up"), 0, 10000).empty());
}

BOOST_AUTO_TEST_CASE(memory_estimate_grows_with_samples_and_series) {
    MemoryStore store;
    std::size_t empty = store.memory_bytes();
    store.append(series("up", "a"), 0, 1);
    std::size_t one = store.memory_bytes();
    store.append(series("up", "a"), 1000, 1);
    std::size_t two = store.memory_bytes();
    BOOST_TEST(one > empty);
    BOOST_TEST(two - one >= sizeof(Sample));
    store.append(series("up", "b"), 0, 1);
    BOOST_TEST(store.memory_bytes() - two > two - one);  // a new series costs more than a sample
}

BOOST_AUTO_TEST_CASE(concurrent_appends_and_reads_stay_consistent) {
    MemoryStore store;
    constexpr int kWriters = 4;
    constexpr int kSamples = 2000;
    std::atomic<int> writers_done{0};
    std::atomic<bool> reader_saw_disorder{false};
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w)
        threads.emplace_back([&, w] {
            for (int i = 0; i < kSamples; ++i) {
                // Each writer owns one series and also adds fresh series, so the index grows.
                store.append(series("load", std::to_string(w)), i, i);
                if (i % 100 == 0)
                    store.append(series("extra" + std::to_string(w), std::to_string(i)), 0, 1);
            }
            ++writers_done;
        });
    threads.emplace_back([&] {
        while (writers_done < kWriters) {
            for (const auto& s : store.select(named("load"), 0, kSamples)) {
                for (std::size_t i = 1; i < s.samples.size(); ++i)
                    if (s.samples[i].t <= s.samples[i - 1].t) reader_saw_disorder = true;
            }
            store.truncate_before(0);
        }
    });
    for (auto& t : threads) t.join();
    BOOST_TEST(!reader_saw_disorder);
    auto result = store.select(named("load"), 0, kSamples);
    BOOST_TEST(result.size() == static_cast<std::size_t>(kWriters));
    for (const auto& s : result) BOOST_TEST(s.samples.size() == static_cast<std::size_t>(kSamples));
    BOOST_TEST(store.series_count() ==
               static_cast<std::size_t>(kWriters + kWriters * kSamples / 100));
}

BOOST_AUTO_TEST_SUITE_END()
