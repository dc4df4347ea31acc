#pragma once
// amtool's offline commands on an Alertmanager configuration, with its output and exit codes:
// `check-config`, `config routes [show]` and `config routes test`.

#include <iosfwd>
#include <string>
#include <vector>

namespace stackwatch::notify {

// amtool check-config FILE...: 0 when every file and its templates load, 1 otherwise.
int check_config(const std::vector<std::string>& files, std::ostream& out, std::ostream& err);
// amtool config routes --config.file=FILE
int show_routes(const std::string& config_file, std::ostream& out, std::ostream& err);

struct RouteTestOptions {
    std::string config_file;
    std::vector<std::string> labels;  // name=value, in amtool's matcher syntax
    bool tree = false;
    std::string verify_receivers;  // comma-separated; empty: no check
};
// amtool config routes test: prints the receivers; 1 when --verify.receivers differs.
int test_routes(const RouteTestOptions& options, std::ostream& out, std::ostream& err);

}  // namespace stackwatch::notify
