#include "ruler/notify/route.hpp"

#include <algorithm>

namespace stackwatch::notify {

Route::Route(const RouteConfig& config, const Route* parent)
    : parent_(parent), matchers_(config.matchers), continue_(config.continue_matching) {
    if (parent != nullptr) options_ = parent->options_;
    if (!config.receiver.empty()) options_.receiver = config.receiver;
    if (config.group_by_set) {
        options_.group_by = config.group_by;
        std::sort(options_.group_by.begin(), options_.group_by.end());
        options_.group_by_all = false;
    } else if (config.group_by_all) {
        options_.group_by_all = true;
    }
    if (config.group_wait) options_.group_wait = *config.group_wait;
    if (config.group_interval) options_.group_interval = *config.group_interval;
    if (config.repeat_interval) options_.repeat_interval = *config.repeat_interval;
    options_.mute_time_intervals = config.mute_time_intervals;
    options_.escalation = config.escalation;
    options_.active_time_intervals = config.active_time_intervals;
    for (const auto& child : config.routes)
        routes_.push_back(std::unique_ptr<Route>(new Route(child, this)));
}

std::unique_ptr<Route> Route::build(const RouteConfig& root) {
    return std::unique_ptr<Route>(new Route(root, nullptr));
}

std::vector<const Route*> Route::match(const promql::Labels& labels) const {
    if (!matches_all(matchers_, labels)) return {};
    std::vector<const Route*> all;
    for (const auto& child : routes_) {
        auto matched = child->match(labels);
        all.insert(all.end(), matched.begin(), matched.end());
        if (!matched.empty() && !child->continue_) break;
    }
    if (all.empty()) all.push_back(this);
    return all;
}

std::string Route::key() const {
    std::string prefix = parent_ == nullptr ? "" : parent_->key() + "/";
    return prefix + matchers_string(matchers_);
}

namespace {

// xlab/treeprint's layout, the one amtool prints: a level still open is continued with a bar and
// two no-break spaces, a finished one with four spaces.
struct TreeNode {
    std::string value;
    std::vector<TreeNode> children;
};

void print_tree(const TreeNode& node, std::vector<bool>& ended, std::string& out) {
    for (std::size_t i = 0; i < node.children.size(); ++i) {
        bool last = i + 1 == node.children.size();
        for (bool level_ended : ended) out += level_ended ? "    " : "\u2502\u00a0\u00a0 ";
        out += last ? "\u2514\u2500\u2500 " : "\u251c\u2500\u2500 ";
        out += node.children[i].value + "\n";
        ended.push_back(last);
        print_tree(node.children[i], ended, out);
        ended.pop_back();
    }
}

std::string tree_text(const TreeNode& root) {
    std::string out = ".\n";
    std::vector<bool> ended;
    print_tree(root, ended, out);
    return out;
}

std::string slug(const Route& route, bool show_continue, bool show_receiver) {
    std::string out =
        route.matchers().empty() ? "default-route" : matchers_string(route.matchers());
    if (show_continue && route.continue_matching()) out += "  continue: true";
    if (show_receiver) out += "  receiver: " + route.options().receiver;
    return out;
}

TreeNode whole_tree(const Route& route) {
    TreeNode node{slug(route, true, true), {}};
    for (const auto& child : route.routes()) node.children.push_back(whole_tree(*child));
    return node;
}

TreeNode matching_tree(const Route& route, const promql::Labels& labels) {
    TreeNode node{slug(route, false, false), {}};
    for (const auto& child : route.routes()) {
        if (!matches_all(child->matchers(), labels)) continue;
        node.children.push_back(matching_tree(*child, labels));
        if (!child->continue_matching()) break;
    }
    if (node.children.empty()) node.value = slug(route, false, true);
    return node;
}

}  // namespace

std::string routing_tree_text(const Route& root) {
    TreeNode top{"", {whole_tree(root)}};
    return "Routing tree:\n" + tree_text(top) + "\n";
}

std::string matching_tree_text(const Route& root, const promql::Labels& labels) {
    TreeNode top{"", {matching_tree(root, labels)}};
    return "Matching routes:\n" + tree_text(top) + "\n\n";
}

}  // namespace stackwatch::notify
