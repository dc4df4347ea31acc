#include "ruler/rules/yaml_decoder.hpp"

#include <re2/re2.h>

namespace stackwatch::rules {
namespace {

// The tag Go's yaml resolves for a node, as named in its type errors.
std::string tag_of(const YAML::Node& node) {
    if (node.IsMap()) return "!!map";
    if (node.IsSequence()) return "!!seq";
    if (node.IsNull()) return "!!null";
    const std::string& s = node.Scalar();
    if (node.Tag() == "!") return "!!str `" + s + "`";
    static const RE2 int_re(R"([-+]?(0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+))");
    static const RE2 float_re(
        R"([-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
    static const std::set<std::string> bools{"true", "True", "TRUE", "false", "False", "FALSE"};
    if (RE2::FullMatch(s, int_re)) return "!!int `" + s + "`";
    if (RE2::FullMatch(s, float_re)) return "!!float `" + s + "`";
    if (bools.count(s) != 0) return "!!bool `" + s + "`";
    return "!!str `" + s + "`";
}

}  // namespace

YamlPosition position_of(const ConfigNode& node) {
    if (!node.yaml().IsDefined() || node.yaml().Mark().is_null()) return {};
    return {node.yaml().Mark().line + 1, node.yaml().Mark().column + 1};
}

void StrictDecoder::check_fields(const ConfigNode& node, const std::set<std::string>& known,
                                 const std::string& type) {
    for (const auto& kv : node.yaml()) {
        auto key = kv.first.Scalar();
        int line = kv.first.Mark().line + 1;
        if (known.count(key) == 0)
            errors_.emplace(line, "line " + std::to_string(line) + ": field " + key +
                                      " not found in type " + type);
    }
}

void StrictDecoder::type_error(const ConfigNode& node, const std::string& target) {
    int line = position_of(node).line;
    errors_.emplace(line, "line " + std::to_string(line) + ": cannot unmarshal " +
                              tag_of(node.yaml()) + " into " + target);
}

std::string StrictDecoder::string_of(const ConfigNode& node) {
    if (!node.defined()) return {};
    if (!node.is_scalar()) {
        type_error(node, "string");
        return {};
    }
    return node.raw_scalar();  // taken literally: Prometheus expands no ${ENV} in these files
}

std::chrono::milliseconds StrictDecoder::duration_of(const ConfigNode& node) {
    std::string text = string_of(node);
    if (text.empty()) return std::chrono::milliseconds(0);
    auto d = try_parse_duration(text);
    if (!d) throw DecodeAbort("not a valid duration string: \"" + text + "\"");
    return *d;
}

int StrictDecoder::int_of(const ConfigNode& node) {
    if (!node.defined()) return 0;
    if (node.is_scalar() && tag_of(node.yaml()).starts_with("!!int")) {
        try {
            return std::stoi(node.raw_scalar(), nullptr, 0);
        } catch (const std::exception&) {
        }
    }
    type_error(node, "int");
    return 0;
}

double StrictDecoder::float_of(const ConfigNode& node) {
    if (!node.defined()) return 0;
    std::string tag = node.is_scalar() ? tag_of(node.yaml()) : "";
    if (tag.starts_with("!!int") || tag.starts_with("!!float")) {
        std::string s = node.raw_scalar();
        if (s.ends_with("inf") || s.ends_with("Inf") || s.ends_with("INF"))
            return s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
        if (s.find("nan") != std::string::npos || s.find("NaN") != std::string::npos ||
            s.find("NAN") != std::string::npos)
            return std::nan("");
        try {
            return std::stod(s);
        } catch (const std::exception&) {
        }
    }
    type_error(node, "float64");
    return 0;
}

std::map<std::string, std::string> StrictDecoder::map_of(const ConfigNode& node) {
    std::map<std::string, std::string> out;
    if (!expect_map(node, "map[string]string")) return out;
    for (const auto& [key, value] : node.entries()) out[key] = string_of(value);
    return out;
}

std::vector<std::string> StrictDecoder::strings_of(const ConfigNode& node) {
    std::vector<std::string> out;
    for (const auto& item : items_of(node, "[]string")) out.push_back(string_of(item));
    return out;
}

std::vector<ConfigNode> StrictDecoder::items_of(const ConfigNode& node, const std::string& type) {
    if (node.defined() && !node.is_sequence()) {
        type_error(node, type);
        return {};
    }
    return node.items();
}

bool StrictDecoder::expect_map(const ConfigNode& node, const std::string& type) {
    if (node.is_map()) return true;
    if (node.defined()) type_error(node, type);
    return false;
}

std::string StrictDecoder::message() const {
    std::string out = "yaml: unmarshal errors:";
    for (const auto& [line, text] : errors_) out += "\n  " + text;
    return out;
}

}  // namespace stackwatch::rules
