#include "common/config.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace stackwatch {
namespace {

struct Unit {
    std::string_view suffix;
    std::int64_t millis;
};
// Order matters: Prometheus requires descending units, and "ms" must be tried before "m".
constexpr Unit kUnits[] = {{"y", 365LL * 24 * 3600 * 1000},
                           {"w", 7LL * 24 * 3600 * 1000},
                           {"d", 24LL * 3600 * 1000},
                           {"h", 3600LL * 1000},
                           {"m", 60LL * 1000},
                           {"s", 1000},
                           {"ms", 1}};

std::string join_path(const std::string& parent, std::string_view key) {
    if (parent.empty()) return std::string(key);
    return parent + "." + std::string(key);
}

std::string mark_text(const std::string& file, const YAML::Mark& mark) {
    if (mark.is_null()) return file;
    return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

// The child by copy construction, which shares the document's node memory: assigning a node
// (YAML::Node::operator=) merges memory sets, a copy of every node of the document per lookup.
YAML::Node child_of(const YAML::Node& map, std::string_view key) {
    if (auto found = map[std::string(key)]; found.IsDefined()) return found;
    return YAML::Node(YAML::NodeType::Undefined);
}

// A map key as text. YAML allows a list, a map or null as a key, which yaml-cpp would only
// refuse with its own exception ("bad conversion"), naming neither the file nor the key.
std::string key_text(const YAML::Node& key, const std::string& file, const std::string& key_path) {
    if (!key.IsScalar())
        throw ConfigError(mark_text(file, key.Mark()) + ": " +
                          (key_path.empty() ? std::string("a key") : key_path + ": a key") +
                          " must be a string, not a list, a map or null");
    return key.as<std::string>();
}

}  // namespace

std::optional<Duration> try_parse_duration(std::string_view text) {
    if (text == "0") return Duration(0);
    if (text.empty()) return std::nullopt;
    std::int64_t total = 0;
    size_t pos = 0;
    size_t next_unit = 0;  // index into kUnits: units must appear in descending order, once each
    while (pos < text.size()) {
        size_t digits_end = pos;
        while (digits_end < text.size() &&
               std::isdigit(static_cast<unsigned char>(text[digits_end])))
            ++digits_end;
        if (digits_end == pos || digits_end - pos > 18) return std::nullopt;
        std::int64_t value = std::stoll(std::string(text.substr(pos, digits_end - pos)));
        size_t matched = std::size(kUnits);
        for (size_t u = next_unit; u < std::size(kUnits); ++u) {
            std::string_view rest = text.substr(digits_end);
            if (rest.starts_with(kUnits[u].suffix)) {
                // "m" must not swallow the "m" of "ms".
                if (kUnits[u].suffix == "m" && rest.starts_with("ms")) continue;
                matched = u;
                break;
            }
        }
        if (matched == std::size(kUnits)) return std::nullopt;
        if (value > INT64_MAX / kUnits[matched].millis) return std::nullopt;
        std::int64_t add = value * kUnits[matched].millis;
        if (total > INT64_MAX - add) return std::nullopt;
        total += add;
        pos = digits_end + kUnits[matched].suffix.size();
        next_unit = matched + 1;
    }
    return Duration(total);
}

Duration parse_duration(std::string_view text) {
    if (auto d = try_parse_duration(text)) return *d;
    throw ConfigError("not a valid duration string: \"" + std::string(text) +
                      "\" (expected e.g. 30s, 5m, 1h30m, 1d)");
}

std::string format_duration(Duration d) {
    std::int64_t ms = d.count();
    if (ms == 0) return "0s";
    std::string out;
    if (ms < 0) {
        out = "-";
        ms = -ms;
    }
    // Prometheus prints years and weeks only when they divide exactly; otherwise days and below.
    for (const auto& unit : kUnits) {
        std::int64_t n = ms / unit.millis;
        if (n == 0) continue;
        if ((unit.suffix == "y" || unit.suffix == "w") && ms % unit.millis != 0) continue;
        out += std::to_string(n) + std::string(unit.suffix);
        ms -= n * unit.millis;
    }
    return out;
}

std::string expand_env(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c != '$') {
            out += c;
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '$') {
            out += '$';
            ++i;
            continue;
        }
        if (i + 1 >= text.size() || text[i + 1] != '{') {
            out += c;
            continue;
        }
        size_t close = text.find('}', i + 2);
        if (close == std::string_view::npos)
            throw ConfigError("unterminated ${...} in \"" + std::string(text) + "\"");
        std::string_view inner = text.substr(i + 2, close - i - 2);
        std::optional<std::string_view> fallback;
        if (auto sep = inner.find(":-"); sep != std::string_view::npos) {
            fallback = inner.substr(sep + 2);
            inner = inner.substr(0, sep);
        }
        bool valid = !inner.empty() && !std::isdigit(static_cast<unsigned char>(inner[0]));
        for (char n : inner)
            valid = valid && (std::isalnum(static_cast<unsigned char>(n)) || n == '_');
        if (!valid)
            throw ConfigError("invalid environment variable name \"${" + std::string(inner) +
                              "}\"");
        const char* value = std::getenv(std::string(inner).c_str());
        if (value != nullptr && (*value != '\0' || !fallback)) {
            out += value;
        } else if (fallback) {
            out += *fallback;
        } else {
            throw ConfigError("environment variable " + std::string(inner) + " is not set (use ${" +
                              std::string(inner) + ":-default})");
        }
        i = close;
    }
    return out;
}

ConfigNode::ConfigNode(YAML::Node node, std::string file, std::string key_path)
    : node_(std::move(node)), file_(std::move(file)), key_path_(std::move(key_path)) {}

ConfigNode ConfigNode::load_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ConfigError(path + ": cannot open file");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return load_string(buffer.str(), path);
}

ConfigNode ConfigNode::load_string(const std::string& text, const std::string& name) {
    try {
        return ConfigNode(YAML::Load(text), name);
    } catch (const YAML::Exception& e) {
        throw ConfigError(mark_text(name, e.mark) + ": invalid YAML: " + e.msg);
    }
}

bool ConfigNode::has(std::string_view key) const {
    return (*this)[key].defined();
}

ConfigNode ConfigNode::operator[](std::string_view key) const {
    ConfigNode result(is_map() ? child_of(node_, key) : YAML::Node(YAML::NodeType::Undefined),
                      file_, join_path(key_path_, key));
    result.parent_mark_ = node_.IsDefined() ? node_.Mark() : parent_mark_;
    return result;
}

std::vector<ConfigNode> ConfigNode::items() const {
    std::vector<ConfigNode> out;
    if (!defined()) return out;
    require_sequence();
    size_t index = 0;
    for (const auto& item : node_) {
        ConfigNode child(item, file_, key_path_ + "[" + std::to_string(index++) + "]");
        child.parent_mark_ = node_.Mark();
        out.push_back(std::move(child));
    }
    return out;
}

std::vector<std::pair<std::string, ConfigNode>> ConfigNode::entries() const {
    std::vector<std::pair<std::string, ConfigNode>> out;
    if (!defined()) return out;
    require_map();
    for (const auto& kv : node_) {
        auto key = key_text(kv.first, file_, key_path_);
        ConfigNode child(kv.second, file_, join_path(key_path_, key));
        child.parent_mark_ = kv.first.Mark();
        out.emplace_back(key, std::move(child));
    }
    return out;
}

std::string ConfigNode::raw_scalar() const {
    if (!defined()) fail("is required");
    if (!is_scalar()) fail("must be a scalar value");
    return node_.Scalar();
}

std::string ConfigNode::as_string() const {
    try {
        return expand_env(raw_scalar());
    } catch (const ConfigError& e) {
        fail(e.what());
    }
}

std::int64_t ConfigNode::as_int() const {
    std::string text = as_string();
    try {
        size_t used = 0;
        std::int64_t value = std::stoll(text, &used);
        if (used == text.size()) return value;
    } catch (const std::exception&) {
    }
    fail("must be an integer, got \"" + text + "\"");
}

double ConfigNode::as_double() const {
    std::string text = as_string();
    try {
        size_t used = 0;
        double value = std::stod(text, &used);
        if (used == text.size()) return value;
    } catch (const std::exception&) {
    }
    fail("must be a number, got \"" + text + "\"");
}

bool ConfigNode::as_bool() const {
    std::string text = as_string();
    // YAML 1.1's booleans, as Go's yaml.v2 (Prometheus, Alertmanager) reads them.
    static const std::set<std::string> kTrue = {"y",  "Y",  "yes",  "Yes",  "YES", "on",
                                                "On", "ON", "true", "True", "TRUE"};
    static const std::set<std::string> kFalse = {"n",   "N",   "no",    "No",    "NO",   "off",
                                                 "Off", "OFF", "false", "False", "FALSE"};
    if (kTrue.contains(text)) return true;
    if (kFalse.contains(text)) return false;
    fail("must be true or false, got \"" + text + "\"");
}

Duration ConfigNode::as_duration() const {
    std::string text = as_string();
    if (auto d = try_parse_duration(text)) return *d;
    fail("not a valid duration string: \"" + text + "\" (expected e.g. 30s, 5m, 1h30m, 1d)");
}

std::vector<std::string> ConfigNode::as_string_list() const {
    std::vector<std::string> out;
    for (const auto& item : items()) out.push_back(item.as_string());
    return out;
}

std::string ConfigNode::get_string(std::string_view key, std::string fallback) const {
    auto child = (*this)[key];
    return child.defined() ? child.as_string() : std::move(fallback);
}
std::int64_t ConfigNode::get_int(std::string_view key, std::int64_t fallback) const {
    auto child = (*this)[key];
    return child.defined() ? child.as_int() : fallback;
}
double ConfigNode::get_double(std::string_view key, double fallback) const {
    auto child = (*this)[key];
    return child.defined() ? child.as_double() : fallback;
}
bool ConfigNode::get_bool(std::string_view key, bool fallback) const {
    auto child = (*this)[key];
    return child.defined() ? child.as_bool() : fallback;
}
Duration ConfigNode::get_duration(std::string_view key, Duration fallback) const {
    auto child = (*this)[key];
    return child.defined() ? child.as_duration() : fallback;
}
std::string ConfigNode::require_string(std::string_view key) const {
    return (*this)[key].as_string();
}
std::string ConfigNode::get_raw_string(std::string_view key, std::string fallback) const {
    auto child = (*this)[key];
    return child.defined() ? child.raw_scalar() : std::move(fallback);
}
std::vector<std::string> ConfigNode::as_raw_string_list() const {
    std::vector<std::string> out;
    for (const auto& item : items()) out.push_back(item.raw_scalar());
    return out;
}

void ConfigNode::allow_keys(std::initializer_list<std::string_view> keys) const {
    if (!defined()) return;
    require_map();
    for (const auto& kv : node_) {
        auto key = key_text(kv.first, file_, key_path_);
        bool known = false;
        for (auto allowed : keys) known = known || allowed == key;
        if (!known) {
            std::string allowed_list;
            for (auto allowed : keys) {
                if (!allowed_list.empty()) allowed_list += ", ";
                allowed_list += allowed;
            }
            throw ConfigError(mark_text(file_, kv.first.Mark()) + ": " + join_path(key_path_, key) +
                              ": unknown field (allowed: " + allowed_list + ")");
        }
    }
}

void ConfigNode::require_map() const {
    if (defined() && !is_map()) fail("must be a mapping");
}

void ConfigNode::require_sequence() const {
    if (defined() && !is_sequence()) fail("must be a list");
}

std::string ConfigNode::location() const {
    return mark_text(file_,
                     node_.IsDefined() && !node_.Mark().is_null() ? node_.Mark() : parent_mark_);
}

int ConfigNode::line() const {
    YAML::Mark mark = node_.IsDefined() && !node_.Mark().is_null() ? node_.Mark() : parent_mark_;
    return mark.is_null() ? 0 : mark.line + 1;
}

void ConfigNode::fail(const std::string& message) const {
    std::string key = key_path_.empty() ? "" : key_path_ + ": ";
    throw ConfigError(location() + ": " + key + message);
}

}  // namespace stackwatch
