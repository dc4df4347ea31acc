#include "ruler/notify/templates.hpp"

#include <fcntl.h>
#include <glob.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "common/time_format.hpp"
#include "ruler/notify/default_templates.hpp"
#include "ruler/notify/webhook.hpp"
#include "ruler/template/case_mapping.hpp"
#include "ruler/template/go_time.hpp"

namespace stackwatch::notify {
namespace {

// Go's syscall errors read as strerror's, lower-cased: "open x: permission denied".
std::string errno_text(int error) {
    std::string text = std::strerror(error);
    if (!text.empty())
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return text;
}

// os.ReadFile: a directory or an unreadable file is an error of its own.
std::string read_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("open " + path + ": " + errno_text(errno));
    std::string text;
    char buffer[65536];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0)
        text.append(buffer, static_cast<std::size_t>(n));
    int error = errno;
    ::close(fd);
    if (n < 0) throw std::runtime_error("read " + path + ": " + errno_text(error));
    return text;
}

// One range end of a character class, as Go's filepath.getEsc: false when malformed.
bool class_char(const std::string& p, std::size_t& i) {
    if (i >= p.size() || p[i] == '-' || p[i] == ']') return false;
    if (p[i] == '\\' && ++i >= p.size()) return false;
    ++i;
    while (i < p.size() && (static_cast<unsigned char>(p[i]) & 0xC0) == 0x80) ++i;
    return i < p.size();
}

// filepath.Glob rejects what filepath.Match cannot parse, which glob(3) would take literally.
bool valid_go_pattern(const std::string& p) {
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (p[i] == '\\') {
            if (++i >= p.size()) return false;
        } else if (p[i] == '[') {
            ++i;
            if (i < p.size() && p[i] == '^') ++i;
            for (int ranges = 0; i >= p.size() || p[i] != ']' || ranges == 0; ++ranges) {
                if (!class_char(p, i)) return false;
                if (p[i] == '-' && !class_char(p, ++i)) return false;
            }
        }
    }
    return true;
}

std::vector<std::string> components(const std::string& path) {
    std::vector<std::string> out;
    for (std::size_t start = 0, slash; start <= path.size(); start = slash + 1) {
        slash = std::min(path.find('/', start), path.size());
        out.push_back(path.substr(start, slash - start));
    }
    return out;
}

// GLOB_PERIOD lets a wildcard match a leading dot, as Go's does, but also "." and "..", which the
// directory listing behind Go's Glob never yields.
bool wildcard_dot_entry(const std::string& pattern, const std::string& path) {
    auto wanted = components(pattern);
    auto found = components(path);
    for (std::size_t i = 0; i < found.size() && i < wanted.size(); ++i)
        if ((found[i] == "." || found[i] == "..") && wanted[i] != found[i]) return true;
    return false;
}

// Go's Glob: sorted, and a wildcard matches a leading dot too.
std::vector<std::string> expand(const std::string& pattern) {
    if (!valid_go_pattern(pattern)) throw std::runtime_error("syntax error in pattern");
    glob_t matches{};
    int status = ::glob(pattern.c_str(), GLOB_PERIOD, nullptr, &matches);
    std::vector<std::string> paths;
    for (std::size_t i = 0; status == 0 && i < matches.gl_pathc; ++i)
        if (!wildcard_dot_entry(pattern, matches.gl_pathv[i]))
            paths.emplace_back(matches.gl_pathv[i]);
    ::globfree(&matches);
    return paths;
}

using tmpl::Value;
using Args = std::vector<Value>;

Value go_struct(std::string type, std::vector<std::pair<std::string, Value>> fields) {
    return Value{
        std::make_shared<const tmpl::Struct>(tmpl::Struct{std::move(type), std::move(fields)})};
}

Value go_list(std::string type, std::vector<Value> items, const tmpl::MethodTable* methods) {
    return Value{
        std::make_shared<const tmpl::List>(tmpl::List{std::move(type), std::move(items), methods})};
}

// The string field at `index` of a struct that this file made.
const std::string& string_field(const Value& value, std::size_t index) {
    const auto& fields = (*value.get<std::shared_ptr<const tmpl::Struct>>())->fields;
    return *fields[index].second.get<std::string>();
}

// Pairs.Names and Pairs.Values: the Name (0) or Value (1) of each pair.
Value pair_fields(const Value& pairs, std::size_t index) {
    std::vector<std::string> out;
    for (const auto& pair : *tmpl::list_items(pairs)) out.push_back(string_field(pair, index));
    return tmpl::string_list(out);
}

const tmpl::MethodTable& pairs_methods() {
    static const tmpl::MethodTable methods{
        {"Names", {{}, [](const Value& self, const Args&) { return pair_fields(self, 0); }}},
        {"Values", {{}, [](const Value& self, const Args&) { return pair_fields(self, 1); }}}};
    return methods;
}

// KV.SortedPairs: by name, except that alertname comes first.
Value sorted_pairs(const Value& self) {
    const tmpl::StringMap& entries = *tmpl::string_map(self);
    std::vector<std::pair<std::string, std::string>> sorted(entries.begin(), entries.end());
    std::stable_partition(sorted.begin(), sorted.end(),
                          [](const auto& entry) { return entry.first == "alertname"; });
    std::vector<Value> pairs;
    for (auto& [name, value] : sorted)
        pairs.push_back(
            go_struct("template.Pair", {{"Name", Value{name}}, {"Value", Value{value}}}));
    return go_list("template.Pairs", std::move(pairs), &pairs_methods());
}

Value kv(tmpl::StringMap entries);

const tmpl::MethodTable& kv_methods() {
    static const tmpl::MethodTable methods{
        {"SortedPairs", {{}, [](const Value& self, const Args&) { return sorted_pairs(self); }}},
        {"Names",
         {{}, [](const Value& self, const Args&) { return pair_fields(sorted_pairs(self), 0); }}},
        {"Values",
         {{}, [](const Value& self, const Args&) { return pair_fields(sorted_pairs(self), 1); }}},
        {"Remove", {{"[]string"}, [](const Value& self, const Args& args) {
                        tmpl::StringMap rest = *tmpl::string_map(self);
                        for (const auto& key : tmpl::want_string_list(args, 0)) rest.erase(key);
                        return kv(std::move(rest));
                    }}}};
    return methods;
}

Value kv(tmpl::StringMap entries) {
    return Value{std::make_shared<const tmpl::NamedMap>(
        tmpl::NamedMap{"template.KV", std::move(entries), &kv_methods()})};
}

// Alerts.Firing and Alerts.Resolved: a []template.Alert, which has no methods.
Value alerts_with_status(const Value& alerts, const std::string& status) {
    std::vector<Value> subset;
    for (const auto& alert : *tmpl::list_items(alerts))
        if (string_field(alert, 0) == status) subset.push_back(alert);
    return go_list("[]template.Alert", std::move(subset), nullptr);
}

const tmpl::MethodTable& alerts_methods() {
    static const tmpl::MethodTable methods{
        {"Firing",
         {{}, [](const Value& self, const Args&) { return alerts_with_status(self, "firing"); }}},
        {"Resolved", {{}, [](const Value& self, const Args&) {
                          return alerts_with_status(self, "resolved");
                      }}}};
    return methods;
}

Value kv_of(const nlohmann::ordered_json& object) {
    tmpl::StringMap entries;
    for (const auto& [key, value] : object.items()) entries[key] = value.get<std::string>();
    return kv(std::move(entries));
}

Value time_of(const nlohmann::ordered_json& text) {
    std::optional<TimePoint> tp;
    if (!parse_rfc3339(text.get<std::string>(), tp) || !tp) return Value{tmpl::Time{}};
    return Value{tmpl::to_go_time(*tp)};
}

tmpl::FunctionMap build_alertmanager_functions() {
    tmpl::FunctionMap functions = tmpl::builtin_functions();
    // The same Go functions as Prometheus's: strings.ToUpper, strings.ToLower, and
    // regexp.MustCompile(pattern).ReplaceAllString.
    for (const char* name : {"toUpper", "toLower", "reReplaceAll"})
        functions[name] = tmpl::prometheus_functions().at(name);
    functions["title"] = [](const Args& a, const tmpl::FunctionContext&) {
        tmpl::want_args("title", a, 1);
        return Value{tmpl::cases_title(tmpl::want_string(a, 0))};
    };
    functions["join"] = [](const Args& a, const tmpl::FunctionContext&) {
        tmpl::want_args("join", a, 2);
        const std::string& separator = tmpl::want_string(a, 0);
        std::string out;
        for (const auto& item : tmpl::want_string_list(a, 1))
            out += (out.empty() ? "" : separator) + item;
        return Value{out};
    };
    // regexp.MatchString: a bad pattern is an error of its own, not MustCompile's panic.
    functions["match"] = [](const Args& a, const tmpl::FunctionContext& context) {
        try {
            return tmpl::prometheus_functions().at("match")(a, context);
        } catch (const tmpl::CallError& e) {
            std::string message = e.what();
            auto cut = message.find("error parsing regexp");
            throw tmpl::CallError(cut == std::string::npos ? message : message.substr(cut));
        }
    };
    functions["safeHtml"] = [](const Args& a, const tmpl::FunctionContext&) {
        tmpl::want_args("safeHtml", a, 1);
        return Value{tmpl::Html{tmpl::want_string(a, 0)}};
    };
    functions["stringSlice"] = [](const Args& a, const tmpl::FunctionContext&) {
        std::vector<std::string> items;
        for (std::size_t i = 0; i < a.size(); ++i) items.push_back(tmpl::want_string(a, i));
        return tmpl::string_list(items);
    };
    return functions;
}

std::string best_effort(const std::function<std::string()>& render) {
    try {
        return render();
    } catch (const tmpl::TemplateError& e) {
        return std::string("error expanding template: ") + e.what();
    }
}

}  // namespace

const tmpl::FunctionMap& alertmanager_functions() {
    static const auto functions = build_alertmanager_functions();
    return functions;
}

// The webhook's message is template.Data marshalled; this is it unmarshalled, as amtool reads it,
// so that both follow one reading of NotificationData.
tmpl::Value template_data(const NotificationData& data) {
    auto json = template_data_json(data);
    std::vector<Value> alerts;
    for (const auto& a : json["alerts"])
        alerts.push_back(go_struct("template.Alert",
                                   {{"Status", Value{a["status"].get<std::string>()}},
                                    {"Labels", kv_of(a["labels"])},
                                    {"Annotations", kv_of(a["annotations"])},
                                    {"StartsAt", time_of(a["startsAt"])},
                                    {"EndsAt", time_of(a["endsAt"])},
                                    {"GeneratorURL", Value{a["generatorURL"].get<std::string>()}},
                                    {"Fingerprint", Value{a["fingerprint"].get<std::string>()}}}));
    // Alertmanager's notifiers execute with a *template.Data, which errors name.
    return go_struct("*template.Data",
                     {{"Receiver", Value{json["receiver"].get<std::string>()}},
                      {"Status", Value{json["status"].get<std::string>()}},
                      {"Alerts", go_list("template.Alerts", std::move(alerts), &alerts_methods())},
                      {"GroupLabels", kv_of(json["groupLabels"])},
                      {"CommonLabels", kv_of(json["commonLabels"])},
                      {"CommonAnnotations", kv_of(json["commonAnnotations"])},
                      {"ExternalURL", Value{json["externalURL"].get<std::string>()}}});
}

tmpl::TemplateSet load_templates(const std::vector<std::string>& globs) {
    tmpl::TemplateSet set(alertmanager_functions());
    // Parsed into the unnamed root template, as FromGlobs does: their errors name the file "".
    set.add("", kDefaultTemplate);
    set.add("", kEmailTemplate);
    for (const auto& pattern : globs) {
        for (const auto& path : expand(pattern))
            set.add(std::filesystem::path(path).filename().string(), read_file(path));
    }
    return set;
}

NotificationTemplates NotificationTemplates::load(const std::vector<std::string>& globs) {
    return NotificationTemplates(load_templates(globs));
}

std::string NotificationTemplates::execute(const std::string& text,
                                           const NotificationData& data) const {
    if (text.empty()) return "";
    return set_.execute_text(text, template_data(data), {.external_url = data.external_url});
}

std::string NotificationTemplates::execute_html(const std::string& text,
                                                const NotificationData& data) const {
    if (text.empty()) return "";
    return set_.execute_html_text(text, template_data(data), {.external_url = data.external_url});
}

std::string NotificationTemplates::execute_best_effort(const std::string& text,
                                                       const NotificationData& data) const {
    return best_effort([&] { return execute(text, data); });
}

std::string NotificationTemplates::execute_html_best_effort(const std::string& text,
                                                            const NotificationData& data) const {
    return best_effort([&] { return execute_html(text, data); });
}

}  // namespace stackwatch::notify
