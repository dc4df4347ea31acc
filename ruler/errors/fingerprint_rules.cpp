#include "ruler/errors/fingerprint_rules.hpp"

#include <algorithm>

#include "ruler/errors/fingerprint.hpp"

namespace stackwatch::errors {
namespace {

const std::vector<std::string_view>& rule_fields() {
    static const std::vector<std::string_view> fields = {
        "type", "message", "level", "service", "environment", "release", "source", "frame"};
    return fields;
}

std::vector<std::string> fingerprint_parts(const ConfigNode& node) {
    if (node.is_scalar()) return {node.as_string()};
    if (!node.is_sequence()) node.fail("must be a string or a list of strings");
    auto parts = node.as_string_list();
    if (parts.empty()) node.fail("must not be empty");
    return parts;
}

}  // namespace

FingerprintRules FingerprintRules::parse(const ConfigNode& node) {
    std::vector<FingerprintRule> rules;
    if (!node.defined()) return FingerprintRules();
    node.require_sequence();
    for (const auto& item : node.items()) {
        item.require_map();
        item.allow_keys({"match", "fingerprint", "title"});
        FingerprintRule rule;
        auto match = item["match"];
        if (!match.is_map()) match.fail("must be a map of field: glob");
        for (const auto& [field, glob] : match.entries()) {
            if (std::find(rule_fields().begin(), rule_fields().end(), field) == rule_fields().end())
                glob.fail("unknown field \"" + field +
                          "\" (expected type, message, level, service, environment, release, "
                          "source or frame)");
            rule.match.emplace_back(field, Glob(glob.as_string()));
        }
        if (rule.match.empty()) match.fail("must name at least one field");
        if (!item.has("fingerprint")) item.fail("a fingerprint rule needs a fingerprint");
        rule.fingerprint = fingerprint_parts(item["fingerprint"]);
        rule.title = item.get_string("title", "");
        rules.push_back(std::move(rule));
    }
    return FingerprintRules(std::move(rules));
}

bool matches_field(const ErrorEvent& event, const std::string& field, const Glob& glob) {
    if (field == "frame")
        return std::any_of(event.frames.begin(), event.frames.end(), [&](const Frame& f) {
            return glob.matches(f.function) || glob.matches(f.file);
        });
    const std::string* value = field == "type"          ? &event.type
                               : field == "message"     ? &event.message
                               : field == "level"       ? &event.level
                               : field == "service"     ? &event.service
                               : field == "environment" ? &event.environment
                               : field == "release"     ? &event.release
                               : field == "source"      ? &event.source
                                                        : nullptr;
    return value != nullptr && glob.matches(*value);
}

const FingerprintRule* FingerprintRules::first_match(const ErrorEvent& event) const {
    for (const auto& rule : rules_)
        if (std::all_of(rule.match.begin(), rule.match.end(),
                        [&](const auto& m) { return matches_field(event, m.first, m.second); }))
            return &rule;
    return nullptr;
}

void FingerprintRules::apply(ErrorEvent& event) const {
    const FingerprintRule* rule = first_match(event);
    event.fingerprint =
        fingerprint_from_parts(rule ? rule->fingerprint : event.fingerprint_parts, event);
    event.title = rule && !rule->title.empty() ? rule->title : error_title(event);
}

}  // namespace stackwatch::errors
