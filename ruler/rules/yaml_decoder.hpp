#pragma once
// Strict YAML decoding with Go's yaml messages: Prometheus's rule files and promtool's test files
// are decoded by Go's yaml packages with unknown fields rejected, and users know those messages
// ("yaml: unmarshal errors:\n  line 4: field foo not found in type rulefmt.RuleGroup").

#include <chrono>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "common/config.hpp"

namespace stackwatch::rules {

// A value that cannot be decoded at all (a bad duration) ends decoding, as in Go.
class DecodeAbort : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct YamlPosition {
    int line = 0;  // 1-based; 0:0 for a node that is absent, as Go prints it
    int column = 0;
    std::string text() const { return std::to_string(line) + ":" + std::to_string(column); }
};
YamlPosition position_of(const ConfigNode& node);

class StrictDecoder {
  public:
    // Unknown keys of `node` are reported as "field K not found in type `type`".
    void check_fields(const ConfigNode& node, const std::set<std::string>& known,
                      const std::string& type);
    void type_error(const ConfigNode& node, const std::string& target);

    // Decoders of scalar and map fields; absent or null nodes give the zero value.
    std::string string_of(const ConfigNode& node);
    std::chrono::milliseconds duration_of(const ConfigNode& node);  // throws DecodeAbort
    int int_of(const ConfigNode& node);
    double float_of(const ConfigNode& node);
    std::map<std::string, std::string> map_of(const ConfigNode& node);
    std::vector<std::string> strings_of(const ConfigNode& node);
    // Sequence items, or none (with a type error) when `node` is not a sequence.
    std::vector<ConfigNode> items_of(const ConfigNode& node, const std::string& type);
    // True when `node` is a mapping; otherwise reports a type error (unless absent).
    bool expect_map(const ConfigNode& node, const std::string& type);

    bool ok() const { return errors_.empty(); }
    // "yaml: unmarshal errors:" and each error on its own indented line, in document order.
    std::string message() const;

  private:
    std::multimap<int, std::string> errors_;  // by line
};

}  // namespace stackwatch::rules
