#pragma once
// Command-line flags in the kingpin style the Prometheus tools use: --name=value or --name value,
// boolean --name / --no-name, --help and --version, and a clear error for anything unknown.

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace stackwatch {

class FlagSet {
  public:
    enum class Outcome { run, exit_success, exit_usage_error };

    FlagSet(std::string program, std::string summary, std::string version);

    void add_string(std::string name, std::string help, std::string* target);
    void add_bool(std::string name, std::string help, bool* target);
    // Positional arguments (subcommands, files) are collected in order.
    void allow_positional(std::string usage) { positional_usage_ = std::move(usage); }

    Outcome parse(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

    const std::vector<std::string>& positional() const { return positional_; }
    void print_usage(std::ostream& out) const;

    static constexpr int kUsageErrorExit = 2;

  private:
    struct Flag {
        std::string name;
        std::string help;
        std::string* string_target = nullptr;
        bool* bool_target = nullptr;
        std::string default_text;
    };
    const Flag* find(const std::string& name) const;

    std::string program_;
    std::string summary_;
    std::string version_;
    std::string positional_usage_;
    std::vector<Flag> flags_;
    std::vector<std::string> positional_;
};

// A flag's value as a positive count; throws std::invalid_argument naming --flag=value.
std::size_t positive_flag(const std::string& flag, const std::string& text);

}  // namespace stackwatch
