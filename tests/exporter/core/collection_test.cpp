#include "exporter/collection.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <future>
#include <thread>

#include "exporter/exporter_app.hpp"

using namespace stackwatch::exporter;
using namespace std::chrono_literals;

namespace {

// A target whose collect blocks until the test opens the gate: it lets the test see how many
// collections run at once and what a scrape does when a target overruns its deadline.
class GatedTarget : public Target {
  public:
    explicit GatedTarget(std::string name, std::string kind = "redis")
        : name_(std::move(name)), kind_(std::move(kind)) {}
    const std::string& name() const override { return name_; }
    std::string kind() const override { return kind_; }
    void collect(MetricSet& out, Deadline, LatencyObserver&) override {
        int now = ++in_flight;
        max_in_flight = std::max(max_in_flight.load(), now);
        ++collections;
        {
            std::unique_lock lock(mutex);
            cv.wait(lock, [&] { return open; });
        }
        out.gauge(kind_ == "redis" ? "redis_up" : "pg_up", "up", 1);
        --in_flight;
    }
    nlohmann::json health(Deadline, LatencyObserver&) override { return {{"status", "ok"}}; }
    void release() {
        {
            std::lock_guard lock(mutex);
            open = true;
        }
        cv.notify_all();
    }
    std::atomic<int> in_flight{0}, max_in_flight{0}, collections{0};

  private:
    std::string name_, kind_;
    std::mutex mutex;
    std::condition_variable cv;
    bool open = false;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(collection)

BOOST_AUTO_TEST_CASE(concurrent_scrapes_share_one_collection_per_target) {
    auto target = std::make_shared<GatedTarget>("cache");
    Collection collection({target}, std::make_shared<LatencyHistograms>());
    std::vector<std::future<std::string>> scrapes;
    for (int i = 0; i < 16; ++i)
        scrapes.push_back(std::async(std::launch::async, [&] {
            return collection.collect_all(Deadline::in(30s)).serialize();
        }));
    // Every scrape is waiting on the single collection in flight.
    for (int i = 0; i < 2000 && target->collections.load() == 0; ++i)
        std::this_thread::sleep_for(1ms);
    target->release();
    for (auto& s : scrapes) BOOST_TEST(s.get().find("redis_up 1") != std::string::npos);
    BOOST_TEST(target->max_in_flight.load() == 1);
}

BOOST_AUTO_TEST_CASE(a_target_past_its_deadline_reports_down_and_blocks_nobody) {
    auto slow = std::make_shared<GatedTarget>("db", "postgres");
    auto fast = std::make_shared<GatedTarget>("cache", "redis");
    fast->release();
    Collection collection({slow, fast}, std::make_shared<LatencyHistograms>());
    auto text = collection.collect_all(Deadline::in(200ms)).serialize();
    BOOST_TEST(text.find("pg_up 0") != std::string::npos, text);
    BOOST_TEST(text.find("redis_up 1") != std::string::npos, text);
    // The next scrape joins the collection still in flight instead of starting another.
    collection.collect_all(Deadline::in(50ms));
    BOOST_TEST(slow->collections.load() == 1);
    slow->release();
    auto after = collection.collect_all(Deadline::in(30s)).serialize();
    BOOST_TEST(slow->max_in_flight.load() == 1);
    BOOST_TEST(collection.collect_one("db", Deadline::in(30s)).has_value());
    BOOST_TEST(!collection.collect_one("nope", Deadline::in(1s)).has_value());
}

BOOST_AUTO_TEST_CASE(targets_of_one_kind_get_a_target_label) {
    auto a = std::make_shared<GatedTarget>("cache-a");
    auto b = std::make_shared<GatedTarget>("cache-b");
    a->release();
    b->release();
    Collection collection({a, b}, std::make_shared<LatencyHistograms>());
    auto text = collection.collect_all(Deadline::in(30s)).serialize();
    BOOST_TEST(text.find("redis_up{target=\"cache-a\"} 1") != std::string::npos, text);
    BOOST_TEST(text.find("redis_up{target=\"cache-b\"} 1") != std::string::npos, text);
    auto one = collection.collect_one("cache-a", Deadline::in(30s))->serialize();
    BOOST_TEST(one.find("redis_up 1") != std::string::npos, one);
}

BOOST_AUTO_TEST_CASE(scrape_deadline_follows_prometheus_header) {
    stackwatch::http::Request request;
    auto before = std::chrono::steady_clock::now();
    request.headers["x-prometheus-scrape-timeout-seconds"] = "3";
    auto d = scrape_deadline(request, 10s, 500ms);
    BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(d.at - before).count() >=
               2500);
    BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(d.at - before).count() < 2600);
    request.headers["x-prometheus-scrape-timeout-seconds"] = "garbage";
    d = scrape_deadline(request, 10s, 500ms);
    BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(d.at - before).count() >=
               9500);
}

BOOST_AUTO_TEST_SUITE_END()
