#include "exporter/postgres/custom_queries.hpp"

#include <re2/re2.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sstream>
#include <stdexcept>

#include "common/config.hpp"

namespace stackwatch::exporter::postgres {
namespace {

const std::map<std::string, ColumnUsage>& usages() {
    static const std::map<std::string, ColumnUsage> kUsages = {
        {"DISCARD", ColumnUsage::discard},
        {"LABEL", ColumnUsage::label},
        {"COUNTER", ColumnUsage::counter},
        {"GAUGE", ColumnUsage::gauge},
        {"MAPPEDMETRIC", ColumnUsage::mapped_metric},
        {"DURATION", ColumnUsage::duration},
        {"HISTOGRAM", ColumnUsage::histogram},
    };
    return kUsages;
}

bool valid_metric_name(const std::string& name) {
    static const RE2 kName("[a-zA-Z_:][a-zA-Z0-9_:]*");
    return RE2::FullMatch(name, kName);
}

ColumnSpec parse_column(const ConfigNode& node) {
    node.require_map();
    // pg_version is accepted because postgres_exporter's files carry it; it ignores it for user
    // queries as well.
    node.allow_keys({"usage", "description", "metric_mapping", "pg_version"});
    ColumnSpec spec;
    auto usage_node = node["usage"];
    auto usage = usages().find(usage_node.as_string());
    if (usage == usages().end())
        usage_node.fail(
            "unknown usage \"" + usage_node.as_string() +
            "\" (expected DISCARD, LABEL, COUNTER, GAUGE, MAPPEDMETRIC, DURATION or HISTOGRAM)");
    spec.usage = usage->second;
    spec.description = node.get_string("description", "");
    auto mapping = node["metric_mapping"];
    mapping.require_map();
    for (const auto& [text, value] : mapping.entries()) spec.mapping[text] = value.as_double();
    if (spec.usage == ColumnUsage::mapped_metric && spec.mapping.empty())
        node.fail("MAPPEDMETRIC needs a metric_mapping");
    return spec;
}

CustomQuery parse_query(const std::string& name, const ConfigNode& node) {
    if (!valid_metric_name(name)) node.fail("\"" + name + "\" is not a valid metric name prefix");
    node.require_map();
    node.allow_keys({"query", "metrics", "master", "cache_seconds", "runonserver", "timeout"});
    CustomQuery query;
    query.name = name;
    query.sql = node.require_string("query");
    query.master = node.get_bool("master", false);
    auto cache_seconds = node.get_int("cache_seconds", 0);
    if (cache_seconds < 0) node["cache_seconds"].fail("must not be negative");
    query.cache = std::chrono::seconds(cache_seconds);
    if (node.has("timeout")) {
        query.timeout = node["timeout"].as_duration();
        if (query.timeout->count() <= 0) node["timeout"].fail("must be positive");
    }
    if (node.has("runonserver")) {
        try {
            query.run_on_server = VersionRange::parse(node["runonserver"].as_string());
        } catch (const std::invalid_argument& e) {
            node["runonserver"].fail(e.what());
        }
    }
    auto metrics = node["metrics"];
    if (!metrics.defined()) node.fail("needs a metrics list");
    metrics.require_sequence();
    for (const auto& item : metrics.items()) {
        item.require_map();
        for (const auto& [column, spec] : item.entries()) {
            if (!valid_metric_name(name + "_" + column))
                spec.fail("column \"" + column + "\" does not make a valid metric name");
            query.columns.emplace_back(column, parse_column(spec));
        }
    }
    return query;
}

std::vector<CustomQuery> parse_all(const ConfigNode& root) {
    std::vector<CustomQuery> queries;
    if (!root.defined()) return queries;
    root.require_map();
    for (const auto& [name, node] : root.entries()) queries.push_back(parse_query(name, node));
    return queries;
}

std::vector<int> parse_version(std::string_view text) {
    std::vector<int> parts;
    std::string part;
    std::istringstream in{std::string(text)};
    while (std::getline(in, part, '.')) {
        if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos)
            throw std::invalid_argument("\"" + std::string(text) +
                                        "\" is not a version like 10.0.0");
        parts.push_back(std::stoi(part));
    }
    if (parts.empty() || parts.size() > 3)
        throw std::invalid_argument("\"" + std::string(text) + "\" is not a version like 10.0.0");
    parts.resize(3, 0);
    return parts;
}

}  // namespace

VersionRange VersionRange::parse(std::string_view text) {
    VersionRange range;
    std::string rest(text);
    std::size_t start = 0;
    while (start <= rest.size()) {
        auto end = rest.find("||", start);
        std::string alternative =
            rest.substr(start, end == std::string::npos ? std::string::npos : end - start);
        std::istringstream words(alternative);
        std::vector<Comparator> all;
        for (std::string word; words >> word;) {
            auto digits = word.find_first_of("0123456789");
            if (digits == std::string::npos)
                throw std::invalid_argument("\"" + word + "\" names no version");
            std::string op = word.substr(0, digits);
            if (op.empty() || op == "==") op = "=";
            if (op != "=" && op != "!=" && op != ">" && op != ">=" && op != "<" && op != "<=")
                throw std::invalid_argument("unknown comparison \"" + op + "\"");
            all.push_back({op, parse_version(std::string_view(word).substr(digits))});
        }
        if (all.empty()) throw std::invalid_argument("empty alternative in version range");
        range.alternatives_.push_back(std::move(all));
        if (end == std::string::npos) break;
        start = end + 2;
    }
    return range;
}

bool VersionRange::contains(int version_num) const {
    if (alternatives_.empty()) return true;
    int major = version_num / 10000;
    std::vector<int> version =
        major >= 10 ? std::vector<int>{major, version_num % 10000, 0}
                    : std::vector<int>{major, version_num / 100 % 100, version_num % 100};
    for (const auto& all : alternatives_) {
        bool ok = true;
        for (const auto& c : all) {
            auto cmp = version <=> c.version;
            ok = ok && ((c.op == "=" && cmp == 0) || (c.op == "!=" && cmp != 0) ||
                        (c.op == ">" && cmp > 0) || (c.op == ">=" && cmp >= 0) ||
                        (c.op == "<" && cmp < 0) || (c.op == "<=" && cmp <= 0));
        }
        if (ok) return true;
    }
    return false;
}

std::vector<CustomQuery> load_custom_queries(const std::string& path) {
    return parse_all(ConfigNode::load_file(path));
}

std::vector<CustomQuery> parse_custom_queries(const std::string& yaml, const std::string& name) {
    return parse_all(ConfigNode::load_string(yaml, name));
}

std::optional<double> parse_timestamp_seconds(std::string_view text) {
    std::string copy(text);
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, used = 0;
    double second = 0;
    if (std::sscanf(copy.c_str(), "%4d-%2d-%2d%n", &year, &month, &day, &used) != 3)
        return std::nullopt;
    const char* rest = copy.c_str() + used;
    if (*rest == ' ' || *rest == 'T') {
        if (std::sscanf(rest + 1, "%2d:%2d:%lf%n", &hour, &minute, &second, &used) != 3)
            return std::nullopt;
        rest += 1 + used;
    }
    int offset = 0;
    if (*rest == '+' || *rest == '-') {
        int sign = *rest == '-' ? -1 : 1;
        int offset_hours = 0, offset_minutes = 0, offset_seconds = 0;
        if (std::sscanf(rest + 1, "%2d:%2d:%2d", &offset_hours, &offset_minutes, &offset_seconds) <
            1)
            return std::nullopt;
        offset = sign * (offset_hours * 3600 + offset_minutes * 60 + offset_seconds);
    } else if (*rest != '\0') {
        return std::nullopt;
    }
    std::tm time{};
    time.tm_year = year - 1900;
    time.tm_mon = month - 1;
    time.tm_mday = day;
    time.tm_hour = hour;
    time.tm_min = minute;
    return static_cast<double>(::timegm(&time)) + second - offset;
}

std::optional<double> parse_go_duration_ms(std::string_view text) {
    static const std::map<std::string, double, std::less<>> kUnitMs = {
        {"ns", 1e-6}, {"us", 1e-3}, {"µs", 1e-3}, {"ms", 1}, {"s", 1e3}, {"m", 6e4}, {"h", 3.6e6}};
    double sign = 1;
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        sign = text[0] == '-' ? -1 : 1;
        text.remove_prefix(1);
    }
    if (text == "0") return 0.0;
    if (text.empty()) return std::nullopt;
    double total = 0;
    while (!text.empty()) {
        std::size_t number_end = text.find_first_not_of("0123456789.");
        if (number_end == 0 || number_end == std::string_view::npos) return std::nullopt;
        std::string number(text.substr(0, number_end));
        char* end = nullptr;
        double value = std::strtod(number.c_str(), &end);
        if (*end != '\0') return std::nullopt;
        text.remove_prefix(number_end);
        std::size_t unit_end = text.find_first_of("0123456789.");
        auto unit = kUnitMs.find(text.substr(0, unit_end));
        if (unit == kUnitMs.end()) return std::nullopt;
        total += value * unit->second;
        text.remove_prefix(unit_end == std::string_view::npos ? text.size() : unit_end);
    }
    return sign * total;
}

}  // namespace stackwatch::exporter::postgres
