#include "ruler/rules/rule_file.hpp"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "common/config.hpp"
#include "ruler/promql/engine.hpp"
#include "ruler/promql/value.hpp"
#include "ruler/rules/alert_template.hpp"
#include "ruler/rules/rule.hpp"
#include "ruler/rules/yaml_decoder.hpp"

namespace stackwatch::rules {
namespace {

using tmpl::go_quote;

RuleSpec decode_rule(StrictDecoder& decoder, const ConfigNode& node) {
    RuleSpec rule;
    rule.line = position_of(node).line;
    if (!decoder.expect_map(node, "rulefmt.RuleNode")) return rule;
    decoder.check_fields(
        node, {"record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"},
        "rulefmt.RuleNode");
    rule.record = decoder.string_of(node["record"]);
    rule.alert = decoder.string_of(node["alert"]);
    rule.expr = decoder.string_of(node["expr"]);
    rule.for_duration = decoder.duration_of(node["for"]);
    rule.keep_firing_for = decoder.duration_of(node["keep_firing_for"]);
    rule.labels = decoder.map_of(node["labels"]);
    rule.annotations = decoder.map_of(node["annotations"]);
    return rule;
}

RuleGroupSpec decode_group(StrictDecoder& decoder, const ConfigNode& node) {
    RuleGroupSpec group;
    if (!decoder.expect_map(node, "rulefmt.RuleGroup")) return group;
    decoder.check_fields(node, {"name", "interval", "limit", "rules", "labels", "query_offset"},
                         "rulefmt.RuleGroup");
    group.name = decoder.string_of(node["name"]);
    group.interval = decoder.duration_of(node["interval"]);
    group.limit = decoder.int_of(node["limit"]);
    group.labels = decoder.map_of(node["labels"]);
    if (node.has("query_offset")) group.query_offset = decoder.duration_of(node["query_offset"]);
    for (const auto& item : decoder.items_of(node["rules"], "[]rulefmt.RuleNode"))
        group.rules.push_back(decode_rule(decoder, item));
    return group;
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
        at(record_pos + ": " + position_of(nodes.alert).text(),
           "only one of 'record' and 'alert' must be set");
    if (rule.record.empty() && rule.alert.empty())
        at(record_pos, "one of 'record' or 'alert' must be set");

    if (rule.expr.empty()) {
        at(position_of(nodes.expr).text(), "field 'expr' must be set in rule");
    } else {
        try {
            promql::parse(rule.expr);
        } catch (const promql::ParseError& e) {
            at(position_of(nodes.expr).text(), "could not parse expression: " + error_message(e));
        }
    }
    if (!rule.record.empty()) {
        if (!rule.annotations.empty())
            at(record_pos, "invalid field 'annotations' in recording rule");
        if (rule.for_duration.count() != 0) at(record_pos, "invalid field 'for' in recording rule");
        if (rule.keep_firing_for.count() != 0)
            at(record_pos, "invalid field 'keep_firing_for' in recording rule");
        if (!is_valid_metric_name(rule.record))
            at(record_pos, "invalid recording rule name: " + rule.record);
    }
    for (const auto& [name, value] : rule.labels) {
        if (!promql::is_valid_label_name(name) || name == "__name__")
            errors.push_back("invalid label name: " + name);
        if (!is_valid_utf8(value)) errors.push_back("invalid label value: " + value);
    }
    for (const auto& [name, value] : rule.annotations)
        if (!promql::is_valid_label_name(name))
            errors.push_back("invalid annotation name: " + name);
    if (!rule.alert.empty()) {
        auto check = [&](const char* kind, const std::map<std::string, std::string>& templates) {
            for (const auto& [name, text] : templates) {
                try {
                    check_alert_template(rule.alert, text);
                } catch (const tmpl::TemplateError& e) {
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
std::string rule_error(const RuleGroupSpec& group, std::size_t index, const RuleSpec& rule,
                       const std::string& error) {
    std::string context = "group " + go_quote(group.name) + ", rule " + std::to_string(index + 1) +
                          ", " + go_quote(rule.name()) + ": ";
    static const RE2 positioned(R"((?s)((?:\d+:\d+: ){1,2})(.*))");
    std::string position, message;
    if (RE2::FullMatch(error, positioned, &position, &message)) return position + context + message;
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
            errors.push_back(pos + ": groupname: \"" + group.name +
                             "\" is repeated in the same file");
        for (const auto& [name, value] : group.labels) {
            if (!promql::is_valid_label_name(name) || name == "__name__")
                errors.push_back("invalid label name: " + name);
            if (!is_valid_utf8(value)) errors.push_back("invalid label value: " + value);
        }
        auto rule_nodes = group_nodes[g]["rules"].items();
        for (std::size_t r = 0; r < group.rules.size(); ++r) {
            const auto& node = rule_nodes[r];
            for (const auto& e :
                 validate_rule(group.rules[r], {node["record"], node["alert"], node["expr"]}))
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
    static const RE2 re("[a-zA-Z_:][a-zA-Z0-9_:]*");
    return RE2::FullMatch(name, re);
}

bool is_valid_utf8(const std::string& text) {
    std::size_t i = 0;
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        std::size_t extra = c < 0x80           ? 0
                            : (c >> 5) == 0x6  ? 1
                            : (c >> 4) == 0xe  ? 2
                            : (c >> 3) == 0x1e ? 3
                                               : 4;
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
    StrictDecoder decoder;
    try {
        if (root.defined() && !root.is_map()) {
            // Prometheus decodes twice (values, then positions); both report a non-mapping file.
            decoder.type_error(root, "rulefmt.RuleGroups");
            fail_all(decoder.message());
            StrictDecoder positions;
            positions.type_error(root, "rulefmt.ruleGroups");
            return fail_all(positions.message());
        }
        if (root.defined()) {
            decoder.check_fields(root, {"groups"}, "rulefmt.RuleGroups");
            for (const auto& item : decoder.items_of(root["groups"], "[]rulefmt.RuleGroup"))
                result.file.groups.push_back(decode_group(decoder, item));
        }
    } catch (const DecodeAbort& e) {
        return fail_all(e.what());
    } catch (const ConfigError& e) {
        // A key that is a list, a map or null; the message names the file already.
        result.errors.push_back(e.what());
        return result;
    }
    if (!decoder.ok()) return fail_all(decoder.message());
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
