// The journal's ids, resume and overflow, and the feed's order of snapshot, replay and live
// events, through a transport that records what it was given.

#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <thread>

#include "ruler/events/event_feed.hpp"
#include "tests/support/eventually.hpp"

using namespace stackwatch::events;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::vector<std::uint64_t> ids(const std::vector<Event>& events) {
    std::vector<std::uint64_t> out;
    for (const auto& e : events) out.push_back(e.id);
    return out;
}

// A client on its own thread, fed through a transport that keeps every event and can be made
// to stall (a slow client) or to go away.
struct RecordingClient {
    std::mutex mutex;
    std::condition_variable wake;
    std::vector<Event> received;
    bool closed = false;
    bool stalled = false;
    std::atomic<int> stalls{0};  // sends that found the client stalled
    std::thread thread;

    void run(EventJournal& journal, std::optional<std::uint64_t> after) {
        thread = std::thread([this, &journal, after] {
            FeedTransport transport{
                .send =
                    [this](const Event& e) {
                        std::unique_lock lock(mutex);
                        if (stalled) ++stalls;
                        wake.wait(lock, [this] { return !stalled || closed; });
                        received.push_back(e);
                        return !closed;
                    },
                .wait =
                    [this](std::chrono::milliseconds timeout, const std::function<bool()>& ready) {
                        std::unique_lock lock(mutex);
                        wake.wait_for(lock, timeout, [&] { return closed || ready(); });
                        return ready();
                    },
                .heartbeat = [] { return true; },
                .open =
                    [this] {
                        std::lock_guard lock(mutex);
                        return !closed;
                    },
                .wake =
                    [this] {
                        { std::lock_guard lock(mutex); }
                        wake.notify_all();
                    }};
            feed(
                journal,
                [] {
                    return json{{"alerts", json::array()}};
                },
                after, transport, 1s);
        });
    }
    std::vector<Event> events() {
        std::lock_guard lock(mutex);
        return received;
    }
    void stall(bool on) {
        {
            std::lock_guard lock(mutex);
            stalled = on;
        }
        wake.notify_all();
    }
    void close() {
        {
            std::lock_guard lock(mutex);
            closed = true;
        }
        wake.notify_all();
        if (thread.joinable()) thread.join();
    }
    ~RecordingClient() { close(); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(event_journal)

BOOST_AUTO_TEST_CASE(ids_grow_and_keep_growing_across_a_restart) {
    std::uint64_t last = 0;
    {
        EventJournal journal;
        auto a = journal.publish("alert", {{"n", 1}});
        auto b = journal.publish("alert", {{"n", 2}});
        BOOST_TEST(b == a + 1);
        last = b;
    }
    EventJournal restarted;
    BOOST_TEST(restarted.publish("alert", {}) > last);
}

BOOST_AUTO_TEST_CASE(a_subscriber_resumes_from_the_ring_or_learns_of_the_gap) {
    EventJournal journal(4, 100);
    std::vector<std::uint64_t> published;
    for (int i = 0; i < 6; ++i) published.push_back(journal.publish("alert", {{"n", i}}));
    // The ring holds the last four: resuming after the third event replays the fourth onwards.
    auto resumed = journal.subscribe(published[2]);
    BOOST_REQUIRE(resumed.replay);
    BOOST_TEST(ids(*resumed.replay) ==
               std::vector<std::uint64_t>(published.begin() + 3, published.end()));
    auto current = journal.subscribe(published[5]);
    BOOST_REQUIRE(current.replay);
    BOOST_TEST(current.replay->empty());
    // After the first event: the second is gone, so this client needs a snapshot.
    BOOST_TEST(!journal.subscribe(published[0]).replay);
    BOOST_TEST(!journal.subscribe(std::nullopt).replay);
    BOOST_TEST(!journal.subscribe(published[5] + 10).replay);  // an id this journal never gave
    BOOST_TEST(journal.subscribers() == 5u);
}

BOOST_AUTO_TEST_CASE(the_ring_keeps_only_the_newest_events_that_fit_its_bytes) {
    EventJournal journal(100, 100, 1000);
    const std::string text(300, 'x');  // each event's data: {"t":"xxx..."}, a little over 300 bytes
    std::vector<std::uint64_t> published;
    for (int i = 0; i < 6; ++i) published.push_back(journal.publish("alert", {{"t", text}}));
    // Three fit in 1000 bytes: resuming after the third event replays the last three.
    auto resumed = journal.subscribe(published[2]);
    BOOST_REQUIRE(resumed.replay);
    BOOST_TEST(ids(*resumed.replay) ==
               std::vector<std::uint64_t>(published.begin() + 3, published.end()));
    BOOST_TEST(!journal.subscribe(published[1]).replay);  // the third is gone: a snapshot
    // One event over the limit on its own is still kept, alone.
    auto big = journal.publish("alert", {{"t", std::string(5000, 'y')}});
    auto after_last = journal.subscribe(published[5]);
    BOOST_REQUIRE(after_last.replay);
    BOOST_TEST(ids(*after_last.replay) == std::vector<std::uint64_t>{big});
    BOOST_TEST(!journal.subscribe(published[4]).replay);
}

BOOST_AUTO_TEST_CASE(a_full_queue_is_dropped_and_marked_never_blocking_the_publisher) {
    EventJournal journal(100, 3);
    auto start = journal.subscribe(std::nullopt);
    for (int i = 0; i < 5; ++i) journal.publish("metrics", {{"n", i}});
    bool overflowed = false;
    BOOST_TEST(start.subscription->take(overflowed).empty());
    BOOST_TEST(overflowed);
    auto next = journal.publish("metrics", {});
    auto events = start.subscription->take(overflowed);
    BOOST_TEST(!overflowed);
    BOOST_TEST(ids(events) == std::vector<std::uint64_t>{next});
}

BOOST_AUTO_TEST_CASE(the_feed_sends_a_snapshot_then_live_events_in_order) {
    EventJournal journal;
    RecordingClient client;
    client.run(journal, std::nullopt);
    BOOST_REQUIRE(stackwatch::test::eventually([&] { return journal.subscribers() == 1; }));
    auto a = journal.publish("alert", {{"n", 1}});
    auto b = journal.publish("health", {{"n", 2}});
    BOOST_REQUIRE(stackwatch::test::eventually([&] { return client.events().size() == 3; }));
    auto events = client.events();
    BOOST_TEST(events[0].type == "snapshot");
    BOOST_TEST(json::parse(events[0].data)["reason"] == "initial");
    BOOST_TEST(events[0].id < a);
    BOOST_TEST(ids({events.begin() + 1, events.end()}) == (std::vector<std::uint64_t>{a, b}));
    client.close();
    BOOST_TEST(journal.subscribers() == 0u);
}

BOOST_AUTO_TEST_CASE(the_feed_replays_what_a_resuming_client_missed_without_a_snapshot) {
    EventJournal journal;
    auto seen = journal.publish("alert", {{"n", 1}});
    auto missed = journal.publish("alert", {{"n", 2}});
    RecordingClient client;
    client.run(journal, seen);
    BOOST_REQUIRE(stackwatch::test::eventually([&] { return client.events().size() == 1; }));
    BOOST_TEST(client.events()[0].id == missed);
    BOOST_TEST(client.events()[0].type == "alert");
}

BOOST_AUTO_TEST_CASE(a_slow_client_gets_a_fresh_snapshot_and_the_publisher_never_waits) {
    EventJournal journal(100, 4);
    RecordingClient client;
    client.run(journal, std::nullopt);
    BOOST_REQUIRE(stackwatch::test::eventually([&] { return client.events().size() == 1; }));
    client.stall(true);
    journal.publish("metrics", {});  // the client takes this one and stalls sending it
    BOOST_REQUIRE(stackwatch::test::eventually([&] { return client.stalls.load() == 1; }));
    // The publisher goes on while the client is stuck: far more than its queue holds.
    std::uint64_t last = 0;
    for (int i = 0; i < 50; ++i) last = journal.publish("metrics", {{"n", i}});
    client.stall(false);
    BOOST_REQUIRE(stackwatch::test::eventually([&] {
        auto events = client.events();
        return events.size() > 1 && events.back().type == "snapshot";
    }));
    auto events = client.events();
    BOOST_TEST(json::parse(events.back().data)["reason"] == "overflow");
    BOOST_TEST(events.back().id == last);
    for (std::size_t i = 1; i < events.size(); ++i) BOOST_TEST(events[i].id >= events[i - 1].id);
    auto after = journal.publish("alert", {});
    BOOST_TEST(stackwatch::test::eventually([&] { return client.events().back().id == after; }));
}

BOOST_AUTO_TEST_CASE(event_ids_parse_strictly) {
    BOOST_TEST(*parse_event_id(std::string("42")) == 42u);
    BOOST_TEST(!parse_event_id(std::string("42x")));
    BOOST_TEST(!parse_event_id(std::string("")));
    BOOST_TEST(!parse_event_id(std::nullopt));
    BOOST_TEST(!parse_event_id(std::string("-1")));
}

BOOST_AUTO_TEST_SUITE_END()
