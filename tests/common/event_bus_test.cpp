#include <boost/test/unit_test.hpp>

#include "common/event_bus.hpp"

using stackwatch::EventBus;

BOOST_AUTO_TEST_SUITE(event_bus)

BOOST_AUTO_TEST_CASE(every_subscriber_gets_every_event_in_order) {
    EventBus bus;
    auto a = bus.subscribe();
    auto b = bus.subscribe();
    bus.publish("alert", {{"n", 1}});
    bus.publish("health", {{"n", 2}});
    for (auto& sub : {a, b}) {
        auto first = sub->pop();
        auto second = sub->pop();
        BOOST_REQUIRE(first && second);
        BOOST_TEST(first->type == "alert");
        BOOST_TEST(second->data["n"] == 2);
        BOOST_TEST(!sub->pop().has_value());
    }
}

BOOST_AUTO_TEST_CASE(slow_subscribers_lose_the_oldest_events) {
    EventBus bus(3);
    auto sub = bus.subscribe();
    for (int i = 0; i < 5; ++i) bus.publish("e", {{"n", i}});
    BOOST_TEST(sub->dropped() == 2u);
    BOOST_TEST(sub->pop()->data["n"] == 2);
}

BOOST_AUTO_TEST_SUITE_END()
