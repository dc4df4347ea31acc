#pragma once
// YAML configuration helpers: every error names file:line:column and the key path,
// and unknown keys are rejected so a typo never silently falls back to a default.

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace stackwatch {

class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

using Duration = std::chrono::milliseconds;

// Prometheus duration syntax: 1y2w3d4h5m6s7ms in that order, each unit at most once; "0" is zero.
Duration parse_duration(std::string_view text);
std::optional<Duration> try_parse_duration(std::string_view text);
// Formats as Prometheus does ("1h30m", "0s", "1d").
std::string format_duration(Duration d);

// Expands ${VAR} and ${VAR:-default}; "$$" is a literal '$'. Throws ConfigError naming the variable
// when it is unset and has no default, or when the syntax is broken.
std::string expand_env(std::string_view text);

class ConfigNode {
  public:
    ConfigNode(YAML::Node node, std::string file, std::string key_path = "");

    static ConfigNode load_file(const std::string& path);
    static ConfigNode load_string(const std::string& text, const std::string& name);

    // yaml-cpp throws on any type query of a missing ("zombie") node, so every check goes first
    // through defined().
    bool defined() const { return node_.IsDefined() && !node_.IsNull(); }
    bool is_map() const { return defined() && node_.IsMap(); }
    bool is_sequence() const { return defined() && node_.IsSequence(); }
    bool is_scalar() const { return defined() && node_.IsScalar(); }
    bool has(std::string_view key) const;

    ConfigNode operator[](std::string_view key) const;
    std::vector<ConfigNode> items() const;  // sequence elements; a missing node is an empty list
    std::vector<std::pair<std::string, ConfigNode>> entries() const;  // map entries, in order

    // Scalars. Strings get ${ENV} expansion; the others fail with the key named.
    std::string as_string() const;
    std::int64_t as_int() const;
    double as_double() const;
    bool as_bool() const;
    Duration as_duration() const;
    std::vector<std::string> as_string_list() const;
    std::string raw_scalar() const;  // without env expansion

    std::string get_string(std::string_view key, std::string fallback) const;
    std::int64_t get_int(std::string_view key, std::int64_t fallback) const;
    double get_double(std::string_view key, double fallback) const;
    bool get_bool(std::string_view key, bool fallback) const;
    Duration get_duration(std::string_view key, Duration fallback) const;
    std::string require_string(std::string_view key) const;
    // Without ${ENV} expansion, for files whose format has none (Alertmanager's): a template's
    // "$$" must reach the template as written.
    std::string get_raw_string(std::string_view key, std::string fallback) const;
    std::vector<std::string> as_raw_string_list() const;

    // Rejects keys outside the list, naming the first unknown one and where it stands.
    void allow_keys(std::initializer_list<std::string_view> keys) const;
    void require_map() const;
    void require_sequence() const;

    [[noreturn]] void fail(const std::string& message) const;
    std::string location() const;  // "file:line:column"
    int line() const;              // 1-based, 0 when unknown
    const std::string& file() const { return file_; }
    const std::string& key_path() const { return key_path_; }
    const YAML::Node& yaml() const { return node_; }

  private:
    YAML::Node node_;
    std::string file_;
    std::string key_path_;
    YAML::Mark parent_mark_;
};

}  // namespace stackwatch
