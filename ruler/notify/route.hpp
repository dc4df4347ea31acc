#pragma once
// The routing tree, as Alertmanager's dispatch.Route builds it from the configuration: each node
// inherits its parent's receiver, grouping and timers unless it sets its own, and an alert goes
// to the deepest matching nodes, further siblings only past a `continue: true`.

#include <memory>
#include <string>
#include <vector>

#include "ruler/notify/config.hpp"

namespace stackwatch::notify {

struct RouteOptions {
    std::string receiver;
    std::vector<std::string> group_by;  // sorted, unique
    bool group_by_all = false;
    Duration group_wait = std::chrono::seconds(30);
    Duration group_interval = std::chrono::minutes(5);
    Duration repeat_interval = std::chrono::hours(4);
    // Not inherited: Alertmanager 0.25 takes both from the node itself.
    std::vector<std::string> mute_time_intervals;
    std::vector<std::string> active_time_intervals;
    std::string escalation;  // not inherited either: each route names its own
};

class Route {
  public:
    // The tree of a configuration's root route.
    static std::unique_ptr<Route> build(const RouteConfig& root);

    // The nodes an alert with `labels` is routed to, in tree order; empty when even this node
    // does not match.
    std::vector<const Route*> match(const promql::Labels& labels) const;

    // "{}/{service=\"db\"}": the matchers of every node down to this one, Alertmanager's route
    // key, part of every group key.
    std::string key() const;

    const RouteOptions& options() const { return options_; }
    const Matchers& matchers() const { return matchers_; }
    bool continue_matching() const { return continue_; }
    const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }
    const Route* parent() const { return parent_; }

  private:
    Route(const RouteConfig& config, const Route* parent);

    const Route* parent_;
    RouteOptions options_;
    Matchers matchers_;
    bool continue_;
    std::vector<std::unique_ptr<Route>> routes_;
};

// amtool's views, byte for byte: `config routes` ("Routing tree:" and the whole tree) and the
// tree `config routes test --tree` prints for one label set.
std::string routing_tree_text(const Route& root);
std::string matching_tree_text(const Route& root, const promql::Labels& labels);

}  // namespace stackwatch::notify
