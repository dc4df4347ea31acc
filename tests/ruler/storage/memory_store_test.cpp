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

BOOST_AUTO_TEST_CASE(equality_matchers_on_any_label_pick_their_series_in_creation_order) {
    MemoryStore store;
    // Created in an order unrelated to names, values or hashes; "zone" only on some.
    std::vector<Labels> created;
    for (int i = 0; i < 40; ++i) {
        Labels labels{{std::string(kMetricName), i % 3 ? "requests" : "errors"},
                      {"instance", "i" + std::to_string((i * 7) % 40)},
                      {"shard", "s" + std::to_string(i % 4)}};
        if (i % 5 == 0) labels.set("zone", "eu");
        created.push_back(labels);
        BOOST_TEST((store.append(labels, 1000, i) == AppendResult::ok));
    }
    auto expect = [&](const std::vector<Matcher>& matchers, auto wanted) {
        std::vector<Labels> expected;
        for (const auto& labels : created)
            if (wanted(labels)) expected.push_back(labels);
        auto result = store.select(matchers, 0, 10000);
        BOOST_TEST_REQUIRE(result.size() == expected.size());
        for (std::size_t i = 0; i < result.size(); ++i) BOOST_TEST(result[i].labels == expected[i]);
    };
    // No metric name: the shard's postings, in creation order.
    expect({Matcher(MatchType::equal, "shard", "s1")},
           [](const Labels& l) { return l.get("shard") == "s1"; });
    // Two pairs: the shorter list, filtered by the other.
    expect(
        {Matcher(MatchType::equal, std::string(kMetricName), "requests"),
         Matcher(MatchType::equal, "zone", "eu")},
        [](const Labels& l) { return l.get(kMetricName) == "requests" && l.get("zone") == "eu"; });
    // An empty value also matches series without the label: it cannot use the postings.
    expect({Matcher(MatchType::equal, "shard", "s2"), Matcher(MatchType::equal, "zone", "")},
           [](const Labels& l) { return l.get("shard") == "s2" && !l.has("zone"); });
    // A pair no series has.
    expect({Matcher(MatchType::equal, "shard", "s9")}, [](const Labels&) { return false; });
    // After a truncation drops series, the rebuilt index keeps the order.
    for (int i = 0; i < 40; i += 2)
        BOOST_TEST((store.append(created[i], 5000, i) == AppendResult::ok));
    store.truncate_before(3000);
    std::vector<Labels> kept;
    for (int i = 0; i < 40; i += 2) kept.push_back(created[i]);
    created = kept;
    expect({Matcher(MatchType::equal, "shard", "s2")},
           [](const Labels& l) { return l.get("shard") == "s2"; });
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

BOOST_AUTO_TEST_CASE(truncation_drops_old_chunks_and_empty_series) {
    MemoryStore store;
    // Chunks of 120 samples: [0, 119 s], [120 s, 239 s] and the head from 240 s.
    for (int t = 0; t < 300; ++t) store.append(series("up", "a"), t * 1000, t);
    store.append(series("old", "a"), 0, 1);
    std::size_t before = store.memory_bytes();
    store.truncate_before(150'000);
    BOOST_TEST(store.series_count() == 1u);
    // The chunk that ends before the cut is gone; the one it falls in stays whole...
    BOOST_TEST(store.sample_count() == 180u);
    BOOST_TEST(store.memory_bytes() < before);
    // ...but what is left of it before the cut is never returned.
    auto result = store.select(named("up"), 0, 1'000'000);
    BOOST_TEST(result.at(0).samples.front().t == 150'000);
    BOOST_TEST(result.at(0).samples.size() == 150u);
    BOOST_TEST(store.select(named("old"), 0, 10000).empty());
    store.truncate_before(299'000);
    BOOST_TEST(store.sample_count() == 60u);
    store.clear();
    BOOST_TEST(store.series_count() == 0u);
    BOOST_TEST(store.select(named("up"), 0, 10000).empty());
    // After a clear the cut no longer hides anything.
    store.append(series("up", "a"), 1000, 1);
    BOOST_TEST(store.select(named("up"), 0, 10000).size() == 1u);
}

BOOST_AUTO_TEST_CASE(selects_across_chunk_bounds_return_each_sample_once) {
    MemoryStore store;
    for (int t = 0; t < 500; ++t) store.append(series("up", "a"), t * 1000, t * 0.5);
    for (auto [from, to] : {std::pair{0, 499}, {119, 120}, {100, 360}, {240, 240}, {479, 600}}) {
        BOOST_TEST_CONTEXT("from " << from << " to " << to) {
            auto result = store.select(named("up"), from * 1000, to * 1000);
            BOOST_TEST_REQUIRE(result.size() == 1u);
            const auto& samples = result[0].samples;
            BOOST_TEST_REQUIRE(samples.size() ==
                               static_cast<std::size_t>(std::min(to, 499) - from + 1));
            for (std::size_t i = 0; i < samples.size(); ++i) {
                BOOST_TEST(samples[i].t == (from + static_cast<int>(i)) * 1000);
                BOOST_TEST(samples[i].v == (from + static_cast<int>(i)) * 0.5);
            }
        }
    }
    // A retried sample after a chunk was cut is still recognised, a stale one still refused.
    BOOST_TEST((store.append(series("up", "a"), 499'000, 499 * 0.5) == AppendResult::ok));
    BOOST_TEST((store.append(series("up", "a"), 360'000, 1) == AppendResult::out_of_order));
    BOOST_TEST(store.sample_count() == 500u);
}

BOOST_AUTO_TEST_CASE(memory_estimate_grows_with_series_far_more_than_with_samples) {
    MemoryStore store;
    std::size_t empty = store.memory_bytes();
    store.append(series("up", "a"), 0, 1);
    std::size_t one = store.memory_bytes();
    BOOST_TEST(one > empty);
    // A day of a 15s scrape of a counter: compressed, far below the 16 bytes of a plain sample.
    double total = 0;
    for (int i = 1; i < 5760; ++i) store.append(series("up", "a"), i * 15'000, total += i % 5);
    std::size_t day = store.memory_bytes();
    BOOST_TEST(day > one);
    BOOST_TEST((day - one) < 2u * 5760);
    store.append(series("up", "b"), 0, 1);
    BOOST_TEST(store.memory_bytes() - day >= one - empty);  // a new series costs what the first did
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
