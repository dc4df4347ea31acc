#include "common/flags.hpp"

#include <charconv>
#include <iomanip>
#include <ostream>
#include <stdexcept>

namespace stackwatch {

FlagSet::FlagSet(std::string program, std::string summary, std::string version)
    : program_(std::move(program)), summary_(std::move(summary)), version_(std::move(version)) {}

void FlagSet::add_string(std::string name, std::string help, std::string* target) {
    flags_.push_back({std::move(name), std::move(help), target, nullptr, *target});
}

void FlagSet::add_bool(std::string name, std::string help, bool* target) {
    flags_.push_back(
        {std::move(name), std::move(help), nullptr, target, *target ? "true" : "false"});
}

const FlagSet::Flag* FlagSet::find(const std::string& name) const {
    for (const auto& flag : flags_)
        if (flag.name == name) return &flag;
    return nullptr;
}

FlagSet::Outcome FlagSet::parse(int argc, const char* const* argv, std::ostream& out,
                                std::ostream& err) {
    auto usage_error = [&](const std::string& message) {
        err << program_ << ": error: " << message << ", try --help\n";
        return Outcome::exit_usage_error;
    };
    bool only_positional = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (only_positional || arg.size() < 2 || arg[0] != '-') {
            if (positional_usage_.empty()) return usage_error("unexpected argument '" + arg + "'");
            positional_.push_back(arg);
            continue;
        }
        if (arg == "--") {
            only_positional = true;
            continue;
        }
        if (arg == "-h" || arg == "--help") {
            print_usage(out);
            return Outcome::exit_success;
        }
        if (arg == "--version") {
            out << program_ << " version " << version_ << "\n";
            return Outcome::exit_success;
        }
        if (!arg.starts_with("--")) return usage_error("unknown short flag '" + arg + "'");
        std::string name = arg.substr(2);
        std::string value;
        bool has_value = false;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
            has_value = true;
        }
        const Flag* flag = find(name);
        bool negated = false;
        if (flag == nullptr && name.starts_with("no-")) {
            flag = find(name.substr(3));
            negated = flag != nullptr;
            if (negated && flag->bool_target == nullptr) flag = nullptr;
        }
        if (flag == nullptr) return usage_error("unknown long flag '--" + name + "'");
        if (flag->bool_target != nullptr) {
            if (!has_value) {
                *flag->bool_target = !negated;
            } else if (!negated && (value == "true" || value == "false")) {
                *flag->bool_target = value == "true";
            } else {
                return usage_error("flag '--" + name + "' takes true or false, got '" + value +
                                   "'");
            }
            continue;
        }
        if (!has_value) {
            if (i + 1 >= argc) return usage_error("expected argument for flag '--" + name + "'");
            value = argv[++i];
        }
        *flag->string_target = value;
    }
    return Outcome::run;
}

void FlagSet::print_usage(std::ostream& out) const {
    out << "usage: " << program_ << " [<flags>]";
    if (!positional_usage_.empty()) out << " " << positional_usage_;
    out << "\n\n" << summary_ << "\n\nFlags:\n";
    out << "  -h, --help                     Show this help.\n";
    out << "      --version                  Show the version.\n";
    for (const auto& flag : flags_) {
        std::string left =
            flag.bool_target != nullptr ? "--[no-]" + flag.name : "--" + flag.name + "=VALUE";
        out << "      " << std::left << std::setw(25) << left << " " << flag.help;
        if (!flag.default_text.empty()) out << " (default: " << flag.default_text << ")";
        out << "\n";
    }
}

std::size_t positive_flag(const std::string& flag, const std::string& text) {
    std::size_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value == 0)
        throw std::invalid_argument("--" + flag + "=" + text + ": expected a positive number");
    return value;
}

}  // namespace stackwatch
