#include "ruler/rules/rule_file.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "common/config.hpp"
#include "ruler/promql/engine.hpp"
#include "ruler/rules/template.hpp"

namespace stackwatch::rules {
namespace {

using tmpl::go_quote;

// A value that cannot be decoded at all ends decoding, as in Go's yaml package.
class DecodeAbort : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Position {
    int line = 0;
    int column = 0;
    std::string text() const { return std::to_string(line) + ":" + std::to_string(column); }
};

Position position_of(const ConfigNode& node) {
    const YAML::Mark mark = node.yaml().Mark();
    if (!node.yaml().IsDefined() || mark.is_null()) return {};
    return {mark.line + 1, mark.column + 1};
}

// YAML's resolved tag of a node, as Go's yaml names it in type errors.
std::string tag_of(const YAML::Node& node) {
    if (node.IsMap()) return "!!map";
    if (node.IsSequence()) return "!!seq";
    if (node.IsNull()) return "!!null";
    const std::string& s = node.Scalar();
    if (node.Tag() == "!") return "!!str `" + s + "`";
    static const std::regex int_re(R"([-+]?(0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+))");
    static const std::regex float_re(R"([-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
    static const std::set<std::string> bools{"true", "True", "TRUE", "false", "False", "FALSE"};
    if (std::regex_match(s, int_re)) return "!!int `" + s + "`";
    if (std::regex_match(s, float_re)) return "!!float `" + s + "`";
    if (bools.count(s) != 0) return "!!bool `" + s + "`";
    return "!!str `" + s + "`";
}

// Decodes the YAML into specs, collecting Go-style type errors ("line N: ...") on the way.
class Decoder {
public:
    // By line: Go reports type mismatches and unknown fields in document order.
    std::multimap<int, std::string> type_errors;

    void type_error(const ConfigNode& node, const std::string& target) {
        int line = position_of(node).line;
        type_errors.emplace(line, "line " + std::to_string(line) + ": cannot unmarshal " + tag_of(node.yaml()) +
                                      " into " + target);
    }

    void check_fields(const ConfigNode& node, const std::set<std::string>& known, const std::string& type) {
        for (const auto& kv : node.yaml()) {
            auto key = kv.first.Scalar();
            int line = kv.first.Mark().line + 1;
            if (known.count(key) == 0)
                type_errors.emplace(line, "line " + std::to_string(line) + ": field " + key + " not found in type " + type);
        }
    }

    std::string string_of(const ConfigNode& node) {
        if (!node.defined()) return {};
        if (!node.is_scalar()) {
            type_error(node, "string");
            return {};
        }
        return node.raw_scalar();  // rule files are taken literally: no ${ENV} expansion
    }

    Duration duration_of(const ConfigNode& node) {
        std::string text = string_of(node);
        if (text.empty()) return Duration(0);
        auto d = try_parse_duration(text);
        if (!d) throw DecodeAbort("not a valid duration string: \"" + text + "\"");
        return *d;
    }

    int int_of(const ConfigNode& node) {
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

    std::map<std::string, std::string> map_of(const ConfigNode& node) {
        std::map<std::string, std::string> out;
        if (!node.defined()) return out;
        if (!node.is_map()) {
            type_error(node, "map[string]string");
            return out;
        }
        for (const auto& [key, value] : node.entries()) out[key] = string_of(value);
        return out;
    }

    RuleSpec rule_of(const ConfigNode& node) {
        RuleSpec rule;
        rule.line = position_of(node).line;
        if (!node.is_map()) {
            if (node.defined()) type_error(node, "rulefmt.RuleNode");
            return rule;
        }
        check_fields(node, {"record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"},
                     "rulefmt.RuleNode");
        rule.record = string_of(node["record"]);
        rule.alert = string_of(node["alert"]);
        rule.expr = string_of(node["expr"]);
        rule.for_duration = duration_of(node["for"]);
        rule.keep_firing_for = duration_of(node["keep_firing_for"]);
        rule.labels = map_of(node["labels"]);
        rule.annotations = map_of(node["annotations"]);
        return rule;
    }

    RuleGroupSpec group_of(const ConfigNode& node) {
        RuleGroupSpec group;
        if (!node.is_map()) {
            if (node.defined()) type_error(node, "rulefmt.RuleGroup");
            return group;
        }
        check_fields(node, {"name", "interval", "limit", "rules", "labels", "query_offset"}, "rulefmt.RuleGroup");
        group.name = string_of(node["name"]);
        group.interval = duration_of(node["interval"]);
        group.limit = int_of(node["limit"]);
        group.labels = map_of(node["labels"]);
        if (node.has("query_offset")) group.query_offset = duration_of(node["query_offset"]);
        ConfigNode rules = node["rules"];
        if (rules.defined() && !rules.is_sequence()) {
            type_error(rules, "[]rulefmt.RuleNode");
        } else {
            for (const auto& item : rules.items()) group.rules.push_back(rule_of(item));
        }
        return group;
    }
};

std::string unmarshal_errors(const std::multimap<int, std::string>& lines) {
    std::string out = "yaml: unmarshal errors:";
    for (const auto& [line, text] : lines) out += "\n  " + text;
    return out;
}

// Validation of one rule, as rulefmt's RuleNode.Validate: each message with its YAML positions.
struct RuleNodes {
    ConfigNode record;
    ConfigNode alert;
    ConfigNode expr;
};

std::vector<std::string> validate_rule(const RuleSpec& rule, const RuleNodes& nodes) {
    std::vector<std::string> errors;
    std::string record_pos = position_of(nodes.record).text();
    auto at = [&errors](const std::string& pos, const std::string& message) {
        errors.push_back(pos + ": " + message);
    };
    if (!rule.record.empty() && !rule.alert.empty())
        at(record_pos + ": " + position_of(nodes.alert).text(), "only one of 'record' and 'alert' must be set");
    if (rule.record.empty() && rule.alert.empty()) at(record_pos, "one of 'record' or 'alert' must be set");

    if (rule.expr.empty()) {
        at(position_of(nodes.expr).text(), "field 'expr' must be set in rule");
    } else {
        try {
            promql::parse(rule.expr);
        } catch (const promql::ParseError& e) {
            at(position_of(nodes.expr).text(), "could not parse expression: " + std::to_string(e.line()) + ":" +
                                                   std::to_string(e.column()) + ": parse error: " + e.detail());
        }
    }
    if (!rule.record.empty()) {
        if (!rule.annotations.empty()) at(record_pos, "invalid field 'annotations' in recording rule");
        if (rule.for_duration.count() != 0) at(record_pos, "invalid field 'for' in recording rule");
        if (rule.keep_firing_for.count() != 0) at(record_pos, "invalid field 'keep_firing_for' in recording rule");
        if (!is_valid_metric_name(rule.record)) at(record_pos, "invalid recording rule name: " + rule.record);
    }
    for (const auto& [name, value] : rule.labels) {
        if (!is_valid_label_name(name) || name == "__name__") errors.push_back("invalid label name: " + name);
        if (!is_valid_utf8(value)) errors.push_back("invalid label value: " + value);
    }
    for (const auto& [name, value] : rule.annotations)
        if (!is_valid_label_name(name)) errors.push_back("invalid annotation name: " + name);
    if (!rule.alert.empty()) {
        auto check = [&](const char* kind, const std::map<std::string, std::string>& templates) {
            for (const auto& [name, text] : templates) {
                try {
                    check_alert_template(rule.alert, text);
                } catch (const TemplateError& e) {
                    errors.push_back(std::string(kind) + " " + go_quote(name) + ": " + e.what());
                }
            }
        };
        check("label", rule.labels);
        check("annotation", rule.annotations);
    }
    return errors;
}

// Messages without a position read `group "g", rule 1, "name": ...`; positioned ones put
// "line:col: " first, exactly as rulefmt.Error formats them.
std::string rule_error(const RuleGroupSpec& group, std::size_t index, const RuleSpec& rule, const std::string& error) {
    std::string context = "group " + go_quote(group.name) + ", rule " + std::to_string(index + 1) + ", " +
                          go_quote(rule.name()) + ": ";
    static const std::regex positioned(R"(^((?:\d+:\d+: ){1,2})([\s\S]*)$)");
    std::smatch m;
    if (std::regex_match(error, m, positioned))
        return m[1].str() + context + m[2].str();
    return context + error;
}

std::vector<std::string> validate(const RuleFile& file, const ConfigNode& root) {
    std::vector<std::string> errors;
    std::set<std::string> seen;
    auto group_nodes = root["groups"].items();
    for (std::size_t g = 0; g < file.groups.size(); ++g) {
        const auto& group = file.groups[g];
        std::string pos = position_of(group_nodes[g]).text();
        if (group.name.empty()) errors.push_back(pos + ": Groupname must not be empty");
        if (!seen.insert(group.name).second)
            errors.push_back(pos + ": groupname: \"" + group.name + "\" is repeated in the same file");
        for (const auto& [name, value] : group.labels) {
            if (!is_valid_label_name(name) || name == "__name__") errors.push_back("invalid label name: " + name);
            if (!is_valid_utf8(value)) errors.push_back("invalid label value: " + value);
        }
        auto rule_nodes = group_nodes[g]["rules"].items();
        for (std::size_t r = 0; r < group.rules.size(); ++r) {
            const auto& node = rule_nodes[r];
            for (const auto& e : validate_rule(group.rules[r], {node["record"], node["alert"], node["expr"]}))
                errors.push_back(rule_error(group, r, group.rules[r], e));
        }
    }
    return errors;
}

}  // namespace

std::size_t RuleFile::rule_count() const {
    std::size_t n = 0;
    for (const auto& g : groups) n += g.rules.size();
    return n;
}

bool is_valid_metric_name(const std::string& name) {
    static const std::regex re("^[a-zA-Z_:][a-zA-Z0-9_:]*$");
    return std::regex_match(name, re);
}

bool is_valid_label_name(const std::string& name) {
    static const std::regex re("^[a-zA-Z_][a-zA-Z0-9_]*$");
    return std::regex_match(name, re);
}

bool is_valid_utf8(const std::string& text) {
    std::size_t i = 0;
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        std::size_t extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : 4;
        if (extra == 4 || i + extra >= text.size() + (extra == 0 ? 1 : 0)) return false;
        for (std::size_t k = 1; k <= extra; ++k)
            if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return false;
        i += extra + 1;
    }
    return true;
}

RuleFileResult parse_rule_file(const std::string& content, const std::string& path) {
    RuleFileResult result;
    result.file.path = path;
    auto fail_all = [&](const std::string& message) {
        result.errors.push_back(path + ": " + message);
        return result;
    };
    YAML::Node yaml;
    try {
        yaml = YAML::Load(content);
    } catch (const YAML::Exception& e) {
        // Prometheus decodes twice (values, then positions) and reports a syntax error from both.
        std::string message = "yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg;
        fail_all(message);
        return fail_all(message);
    }
    ConfigNode root(yaml, path);
    Decoder decoder;
    try {
        if (root.defined() && !root.is_map()) {
            decoder.type_error(root, "rulefmt.RuleGroups");
            fail_all(unmarshal_errors(decoder.type_errors));
            decoder.type_errors.clear();
            decoder.type_error(root, "rulefmt.ruleGroups");
            return fail_all(unmarshal_errors(decoder.type_errors));
        }
        if (root.defined()) {
            decoder.check_fields(root, {"groups"}, "rulefmt.RuleGroups");
            ConfigNode groups = root["groups"];
            if (groups.defined() && !groups.is_sequence()) {
                decoder.type_error(groups, "[]rulefmt.RuleGroup");
            } else {
                for (const auto& item : groups.items()) result.file.groups.push_back(decoder.group_of(item));
            }
        }
    } catch (const DecodeAbort& e) {
        return fail_all(e.what());
    }
    if (!decoder.type_errors.empty()) return fail_all(unmarshal_errors(decoder.type_errors));
    for (const auto& e : validate(result.file, root)) result.errors.push_back(path + ": " + e);
    return result;
}

RuleFileResult load_rule_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        RuleFileResult result;
        result.file.path = path;
        result.errors.push_back(path + ": open " + path + ": no such file or directory");
        return result;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parse_rule_file(buffer.str(), path);
}

}  // namespace stackwatch::rules
