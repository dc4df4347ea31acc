#include "ruler/notify/route.hpp"

#include <boost/test/unit_test.hpp>

using namespace stackwatch;
using namespace stackwatch::notify;
using promql::Labels;

namespace {

const char* kTree = R"(
route:
  receiver: default
  group_by: [alertname]
  group_wait: 10s
  routes:
  - matchers: ['service="db"']
    receiver: db
    continue: true
    group_by: ['...']
    routes:
    - match: {severity: page}
      receiver: db-pager
      repeat_interval: 1h
    - match_re: {env: 'prod.*'}
  - matchers: ['service=~"db|cache"']
    receiver: storage
    mute_time_intervals: [night]
  - matchers: ['team="x"']
    receiver: x
receivers: [{name: default}, {name: db}, {name: db-pager}, {name: storage}, {name: x}]
time_intervals: [{name: night, time_intervals: [{times: [{start_time: '00:00', end_time: '06:00'}]}]}]
)";

struct Tree {
    NotifyConfig config = parse_notify_config(kTree, "am.yml");
    std::unique_ptr<Route> root = Route::build(config.route);

    std::vector<std::string> receivers(const Labels& labels) const {
        std::vector<std::string> out;
        for (const auto* r : root->match(labels)) out.push_back(r->options().receiver);
        return out;
    }
};

using Names = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(notify_route)

BOOST_FIXTURE_TEST_CASE(deepest_matches_in_tree_order_past_continue, Tree) {
    BOOST_TEST(receivers({{"service", "db"}, {"severity", "page"}}) ==
               (Names{"db-pager", "storage"}));
    BOOST_TEST(receivers({{"service", "db"}, {"env", "production"}}) == (Names{"db", "storage"}));
    BOOST_TEST(receivers({{"service", "db"}}) == (Names{"db", "storage"}));
    BOOST_TEST(receivers({{"service", "cache"}, {"team", "x"}}) ==
               (Names{"storage"}));  // no continue
    BOOST_TEST(receivers({{"team", "x"}}) == (Names{"x"}));
    BOOST_TEST(receivers({}) == (Names{"default"}));
}

BOOST_FIXTURE_TEST_CASE(options_inherit_unless_set, Tree) {
    const auto& db = *root->routes().at(0);
    const auto& pager = *db.routes().at(0);
    const auto& env = *db.routes().at(1);
    BOOST_TEST(root->options().group_wait.count() == 10000);
    BOOST_TEST(root->options().group_interval.count() == 5 * 60 * 1000);  // Alertmanager's default
    BOOST_TEST(root->options().repeat_interval.count() == 4 * 3600 * 1000);
    BOOST_TEST(db.options().group_by_all);
    BOOST_TEST(pager.options().group_by_all);  // inherited
    BOOST_TEST(pager.options().repeat_interval.count() == 3600 * 1000);
    BOOST_TEST(pager.options().group_wait.count() == 10000);
    BOOST_TEST(env.options().receiver == "db");
    BOOST_TEST(root->routes().at(1)->options().group_by == Names{"alertname"});
    BOOST_TEST(!root->routes().at(1)->options().group_by_all);
    // Alertmanager 0.25 does not pass time intervals down.
    BOOST_TEST(root->routes().at(1)->options().mute_time_intervals == Names{"night"});
}

BOOST_FIXTURE_TEST_CASE(keys_chain_the_matchers_from_the_root, Tree) {
    const auto& env = *root->routes().at(0)->routes().at(1);
    BOOST_TEST(root->key() == "{}");
    BOOST_TEST(env.key() == R"({}/{service="db"}/{env=~"^(?:prod.*)$"})");
}

BOOST_FIXTURE_TEST_CASE(trees_print_as_amtool_prints_them, Tree) {
    BOOST_TEST(routing_tree_text(*root) ==
               "Routing tree:\n"
               ".\n"
               "└── default-route  receiver: default\n"
               "    ├── {service=\"db\"}  continue: true  receiver: db\n"
               "    │\u00a0\u00a0 ├── {severity=\"page\"}  receiver: db-pager\n"
               "    │\u00a0\u00a0 └── {env=~\"^(?:prod.*)$\"}  receiver: db\n"
               "    ├── {service=~\"db|cache\"}  receiver: storage\n"
               "    └── {team=\"x\"}  receiver: x\n"
               "\n");
    BOOST_TEST(matching_tree_text(*root, Labels{{"service", "db"}, {"severity", "page"}}) ==
               "Matching routes:\n"
               ".\n"
               "└── default-route\n"
               "    ├── {service=\"db\"}\n"
               "    │\u00a0\u00a0 └── {severity=\"page\"}  receiver: db-pager\n"
               "    └── {service=~\"db|cache\"}  receiver: storage\n"
               "\n\n");
    BOOST_TEST(matching_tree_text(*root, Labels{}) ==
               "Matching routes:\n.\n└── default-route  receiver: default\n\n\n");
}

BOOST_AUTO_TEST_SUITE_END()
