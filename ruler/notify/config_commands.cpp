#include "ruler/notify/config_commands.hpp"

#include <filesystem>
#include <ostream>

#include "ruler/notify/config.hpp"
#include "ruler/notify/route.hpp"
#include "ruler/notify/templates.hpp"

namespace stackwatch::notify {
namespace {

constexpr int kFailure = 1;

// kingpin's fatal error, which amtool ends with: "amtool: error: ..." and a blank line.
int fatal(std::ostream& err, const std::string& message) {
    err << "stackwatch-ruler: error: " << message << "\n\n";
    return kFailure;
}

std::string join(const std::vector<std::string>& parts, char separator) {
    std::string out;
    for (const auto& part : parts) {
        if (!out.empty()) out += separator;
        out += part;
    }
    return out;
}

}  // namespace

int check_config(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
    if (files.empty()) return fatal(err, "check-config needs at least one file");
    for (const auto& file : files)
        if (!std::filesystem::exists(file)) return fatal(err, "path '" + file + "' does not exist");
    int failed = 0;
    for (const auto& file : files) {
        out << "Checking '" << file << "'";
        try {
            auto config = load_notify_config(file);
            out << "  SUCCESS\n";
            out << "Found:\n - global config\n - route\n";
            out << " - " << config.inhibit_rules.size() << " inhibit rules\n";
            out << " - " << config.receivers.size() << " receivers\n";
            out << " - " << config.templates.size() << " templates\n";
            if (!config.templates.empty()) {
                try {
                    load_templates(config.templates);
                    out << "  SUCCESS\n";
                } catch (const std::exception& e) {
                    out << "  FAILED: " << e.what() << "\n";
                    ++failed;
                }
            }
        } catch (const std::exception& e) {
            out << "  FAILED: " << e.what() << "\n";
            ++failed;
        }
        out << "\n";
    }
    if (failed > 0) return fatal(err, "failed to validate " + std::to_string(failed) + " file(s)");
    return 0;
}

namespace {

// Loads the configuration for the route commands; amtool reports a broken file as fatal.
std::unique_ptr<Route> load_route(const std::string& config_file, std::ostream& err, int& status) {
    status = 0;
    if (config_file.empty()) {
        status = fatal(err, "you have to specify --config.file");
        return nullptr;
    }
    try {
        return Route::build(load_notify_config(config_file).route);
    } catch (const std::exception& e) {
        status = fatal(err, e.what());
        return nullptr;
    }
}

}  // namespace

int show_routes(const std::string& config_file, std::ostream& out, std::ostream& err) {
    int status = 0;
    auto root = load_route(config_file, err, status);
    if (!root) return status;
    out << routing_tree_text(*root);
    return 0;
}

int test_routes(const RouteTestOptions& options, std::ostream& out, std::ostream& err) {
    int status = 0;
    auto root = load_route(options.config_file, err, status);
    if (!root) return status;
    std::vector<promql::Label> labels;
    for (const auto& text : options.labels) {
        try {
            auto matcher = parse_matcher(text);
            if (matcher.type() != MatchType::equal)
                return fatal(err,
                             "Failed to parse labels: labels must be specified as key=value pairs");
            // A later value for the same name wins, as in amtool's label map.
            std::erase_if(labels, [&](const promql::Label& l) { return l.name == matcher.name(); });
            labels.push_back({matcher.name(), matcher.value()});
        } catch (const MatcherError& e) {
            return fatal(err, std::string("Failed to parse labels: ") + e.what());
        }
    }
    promql::Labels label_set(std::move(labels));
    if (options.tree) out << matching_tree_text(*root, label_set);
    std::vector<std::string> receivers;
    for (const auto* route : root->match(label_set)) receivers.push_back(route->options().receiver);
    auto resolved = join(receivers, ',');
    out << resolved << "\n";
    if (!options.verify_receivers.empty() && options.verify_receivers != resolved) {
        out << "WARNING: Expected receivers did not match resolved receivers.\n";
        return kFailure;
    }
    return 0;
}

}  // namespace stackwatch::notify
