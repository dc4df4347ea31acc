#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include "ruler/promql/function_args.hpp"
#include "ruler/promql/function_tables.hpp"

namespace stackwatch::promql {

namespace {

constexpr auto V = ValueType::vector;
constexpr auto Str = ValueType::string;

// Go's Regexp.ExpandString: $1, ${1}, $name, ${name}; $$ is a literal dollar.
std::string expand_template(std::string_view tmpl, const RE2& re,
                            const std::vector<re2::StringPiece>& groups) {
    std::string out;
    const auto& named = re.NamedCapturingGroups();
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
        if (tmpl[i] != '$' || i + 1 >= tmpl.size()) {
            out += tmpl[i];
            continue;
        }
        if (tmpl[i + 1] == '$') {
            out += '$';
            ++i;
            continue;
        }
        bool braced = tmpl[i + 1] == '{';
        std::size_t start = i + (braced ? 2 : 1);
        std::size_t end = start;
        while (end < tmpl.size() &&
               (std::isalnum(static_cast<unsigned char>(tmpl[end])) || tmpl[end] == '_'))
            ++end;
        if (end == start || (braced && (end >= tmpl.size() || tmpl[end] != '}'))) {
            out += '$';  // malformed reference: Go keeps the dollar as text
            continue;
        }
        std::string name(tmpl.substr(start, end - start));
        int index = -1;
        if (std::all_of(name.begin(), name.end(),
                        [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); })) {
            index = name.size() < 9 ? std::stoi(name) : -1;
        } else if (auto it = named.find(name); it != named.end()) {
            index = it->second;
        }
        if (index >= 0 && index < static_cast<int>(groups.size()) &&
            groups[index].data() != nullptr)
            out.append(groups[index].data(), groups[index].size());
        i = braced ? end : end - 1;
    }
    return out;
}

Value label_replace(const FunctionCall& c) {
    const std::string& dst = string_arg(c, 1);
    const std::string& replacement = string_arg(c, 2);
    const std::string& src = string_arg(c, 3);
    RE2::Options options;
    options.set_log_errors(false);
    RE2 re("^(?:" + string_arg(c, 4) + ")$", options);
    if (!re.ok())
        throw EvalError("invalid regular expression in label_replace(): " + string_arg(c, 4));
    if (!is_valid_label_name(dst))
        throw EvalError("invalid destination label name in label_replace(): " + dst);
    Vector out = vector_arg(c, 0);
    std::vector<re2::StringPiece> groups(static_cast<std::size_t>(re.NumberOfCapturingGroups()) +
                                         1);
    for (auto& s : out) {
        const std::string& value = s.labels.get(src);
        if (!re.Match(value, 0, value.size(), RE2::UNANCHORED, groups.data(),
                      static_cast<int>(groups.size())))
            continue;
        s.labels.set(dst, expand_template(replacement, re, groups));
    }
    return out;
}

Value label_join(const FunctionCall& c) {
    const std::string& dst = string_arg(c, 1);
    const std::string& separator = string_arg(c, 2);
    if (!is_valid_label_name(dst))
        throw EvalError("invalid destination label name in label_join(): " + dst);
    std::vector<std::string> sources;
    for (std::size_t i = 3; i < c.args.size(); ++i) {
        sources.push_back(string_arg(c, i));
        if (!is_valid_label_name(sources.back()))
            throw EvalError("invalid source label name in label_join(): " + sources.back());
    }
    Vector out = vector_arg(c, 0);
    for (auto& s : out) {
        std::string joined;
        for (std::size_t i = 0; i < sources.size(); ++i) {
            if (i > 0) joined += separator;
            joined += s.labels.get(sources[i]);
        }
        s.labels.set(dst, std::move(joined));
    }
    return out;
}

}  // namespace

std::vector<FunctionInfo> label_functions() {
    return {
        {"label_join", {V, Str, Str, Str}, -1, V, label_join},
        {"label_replace", {V, Str, Str, Str, Str}, 0, V, label_replace},
    };
}

}  // namespace stackwatch::promql
