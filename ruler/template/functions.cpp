#include "ruler/template/functions.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <limits>

#include "common/config.hpp"
#include "common/html.hpp"
#include "ruler/template/case_mapping.hpp"

namespace stackwatch::tmpl {
using Args = std::vector<Value>;

void want_args(const std::string& name, const Args& args, std::size_t n) {
    if (args.size() != n)
        throw ArgumentError("wrong number of args for " + name + ": want " + std::to_string(n) +
                            " got " + std::to_string(args.size()));
}

const std::string& want_string(const Args& args, std::size_t i) {
    if (const auto* s = args[i].get<std::string>()) return *s;
    throw ArgumentError(i, "string", type_name(args[i]));
}

std::vector<std::string> want_string_list(const Args& args, std::size_t i) {
    std::vector<std::string> out;
    if (args[i].is_nil()) return out;  // reflect passes a nil slice
    const auto* items = type_name(args[i]) == "[]string" ? list_items(args[i]) : nullptr;
    if (items == nullptr) throw ArgumentError(i, "[]string", type_name(args[i]));
    for (const auto& item : *items) out.push_back(*item.get<std::string>());
    return out;
}

namespace {

void want_at_least(const std::string& name, const Args& args, std::size_t n) {
    if (args.size() < n)
        throw ArgumentError("wrong number of args for " + name + ": want at least " +
                            std::to_string(n) + " got " + std::to_string(args.size()));
}

const QuerySample& want_sample(const Args& args, std::size_t i) {
    if (const auto* s = args[i].get<QuerySample>()) return *s;
    throw ArgumentError(i, "*template.sample", type_name(args[i]));
}

const QueryResult& want_result(const Args& args, std::size_t i) {
    if (const auto* r = args[i].get<QueryResult>()) return *r;
    throw ArgumentError(i, "template.queryResult", type_name(args[i]));
}

// Go's strconv.ParseFloat: no surrounding space, Inf/NaN spelled any case.
double parse_go_float(const std::string& s) {
    const char* begin = s.c_str();
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(begin, &end);
    bool ok =
        !s.empty() && !std::isspace(static_cast<unsigned char>(s[0])) && end == begin + s.size();
    if (!ok) throw CallError("strconv.ParseFloat: parsing \"" + s + "\": invalid syntax");
    if (errno == ERANGE && std::isinf(v))
        throw CallError("strconv.ParseFloat: parsing \"" + s + "\": value out of range");
    return v;
}

// Prometheus's convertToFloat: numbers and numeric strings.
double to_float(const Value& v) {
    if (const auto* d = v.get<double>()) return *d;
    if (const auto* i = v.get<std::int64_t>()) return static_cast<double>(*i);
    if (const auto* s = v.get<std::string>()) return parse_go_float(*s);
    throw CallError("can't convert " + type_name(v) + " to float");
}

std::string scale(double v, const char* const* prefixes, double step, bool up) {
    std::string prefix;
    for (int i = 0; prefixes[i] != nullptr; ++i) {
        if (up ? std::fabs(v) < step : std::fabs(v) >= 1) break;
        prefix = prefixes[i];
        v = up ? v / step : v * step;
    }
    return format_float_g(v, 4) + prefix;
}

constexpr const char* kLarge[] = {"k", "M", "G", "T", "P", "E", "Z", "Y", nullptr};
constexpr const char* kSmall[] = {"m", "u", "n", "p", "f", "a", "z", "y", nullptr};
constexpr const char* kBinary[] = {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi", nullptr};

// Go's "t.String()" for a UTC time with millisecond precision.
std::string format_go_time(std::int64_t millis) {
    return go_utc_time(millis, "%Y-%m-%d %H:%M:%S") + " +0000 UTC";
}

// Go's regexp/syntax wording for RE2's error codes.
std::string go_regexp_error(const RE2& re) {
    switch (re.error_code()) {
        case RE2::ErrorMissingParen:
            return "missing closing )";
        case RE2::ErrorMissingBracket:
            return "missing closing ]";
        case RE2::ErrorRepeatArgument:
            return "missing argument to repetition operator";
        case RE2::ErrorRepeatSize:
            return "invalid repeat count";
        case RE2::ErrorRepeatOp:
            return "invalid nested repetition operator";
        case RE2::ErrorBadEscape:
            return "invalid escape sequence";
        case RE2::ErrorBadCharClass:
            return "invalid character class";
        case RE2::ErrorBadCharRange:
            return "invalid character class range";
        case RE2::ErrorTrailingBackslash:
            return "trailing backslash at end of expression";
        case RE2::ErrorBadPerlOp:
            return "invalid or unsupported Perl syntax";
        case RE2::ErrorBadNamedCapture:
            return "invalid named capture";
        case RE2::ErrorBadUTF8:
            return "invalid UTF-8";
        default:
            return re.error();
    }
}

std::shared_ptr<RE2> compile(const std::string& pattern) {
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_shared<RE2>(pattern, options);
    if (!re->ok())
        throw CallError("regexp: Compile(`" + pattern + "`): error parsing regexp: " +
                        go_regexp_error(*re) + ": `" + re->error_arg() + "`");
    return re;
}

// Go's Regexp.ReplaceAllString: $1, ${1}, $name, ${name} expand; $$ is a literal '$'.
std::string replace_all(const std::string& pattern, const std::string& repl,
                        const std::string& text) {
    auto re = compile(pattern);
    int groups = re->NumberOfCapturingGroups();
    const auto& named = re->NamedCapturingGroups();
    std::vector<re2::StringPiece> match(static_cast<std::size_t>(groups) + 1);
    std::string out;
    std::size_t pos = 0;
    std::size_t last_match_end = std::string::npos;
    while (pos <= text.size()) {
        if (!re->Match(text, pos, text.size(), RE2::UNANCHORED, match.data(), groups + 1)) break;
        auto start = static_cast<std::size_t>(match[0].data() - text.data());
        auto end = start + match[0].size();
        if (match[0].empty() && start == last_match_end) {
            // Go skips an empty match right after the previous match.
            if (start >= text.size()) break;
            out += text.substr(pos, start + 1 - pos);
            pos = start + 1;
            continue;
        }
        out += text.substr(pos, start - pos);
        for (std::size_t i = 0; i < repl.size(); ++i) {
            if (repl[i] != '$' || i + 1 >= repl.size()) {
                out += repl[i];
                continue;
            }
            if (repl[i + 1] == '$') {
                out += '$';
                ++i;
                continue;
            }
            std::string name;
            std::size_t j = i + 1;
            bool braced = repl[j] == '{';
            if (braced) ++j;
            while (j < repl.size() &&
                   (std::isalnum(static_cast<unsigned char>(repl[j])) || repl[j] == '_'))
                name += repl[j++];
            if (name.empty() || (braced && (j >= repl.size() || repl[j] != '}'))) {
                out += repl[i];  // not a valid reference: Go keeps the '$'
                continue;
            }
            i = braced ? j : j - 1;
            int index = -1;
            if (std::all_of(name.begin(), name.end(),
                            [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
                index = name.size() < 9 ? std::stoi(name) : -1;
            else if (auto it = named.find(name); it != named.end())
                index = it->second;
            if (index >= 0 && index <= groups &&
                match[static_cast<std::size_t>(index)].data() != nullptr)
                out += std::string(match[static_cast<std::size_t>(index)]);
        }
        pos = end;
        last_match_end = end;
        if (match[0].empty()) {
            if (pos >= text.size()) break;
            out += text[pos];
            ++pos;
        }
    }
    if (pos < text.size()) out += text.substr(pos);
    return out;
}

// Go's net.SplitHostPort, enough for "host:port" and "[v6]:port".
bool split_host_port(const std::string& s, std::string& host, std::string& port) {
    if (!s.empty() && s[0] == '[') {
        auto close = s.find(']');
        if (close == std::string::npos || close + 1 >= s.size() || s[close + 1] != ':')
            return false;
        host = s.substr(1, close - 1);
        port = s.substr(close + 2);
        return true;
    }
    auto colon = s.rfind(':');
    if (colon == std::string::npos || s.find(':') != colon) return false;
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
    return true;
}

bool looks_like_ip(const std::string& host) {
    if (host.find(':') != std::string::npos) return true;
    int dots = 0;
    for (char c : host) {
        if (c == '.')
            ++dots;
        else if (!std::isdigit(static_cast<unsigned char>(c)))
            return false;
    }
    return dots == 3;
}

// The basic kinds Go's comparison builtins distinguish.
enum class Kind { invalid, boolean, integer, floating, string };
Kind kind_of(const Value& v) {
    if (v.get<bool>()) return Kind::boolean;
    if (v.get<std::int64_t>()) return Kind::integer;
    if (v.get<double>()) return Kind::floating;
    if (v.get<std::string>() || v.get<Html>()) return Kind::string;
    return Kind::invalid;
}

bool equal_values(const Value& a, const Value& b) {
    Kind ka = kind_of(a);
    Kind kb = kind_of(b);
    if (ka != kb) {
        if (!a.is_nil() && !b.is_nil()) throw CallError("incompatible types for comparison");
        return false;
    }
    switch (ka) {
        case Kind::boolean:
            return *a.get<bool>() == *b.get<bool>();
        case Kind::integer:
            return *a.get<std::int64_t>() == *b.get<std::int64_t>();
        case Kind::floating:
            return *a.get<double>() == *b.get<double>();
        case Kind::string:
            return to_display(a) == to_display(b);
        case Kind::invalid:
            break;
    }
    if (a.is_nil() && b.is_nil()) return true;
    // Structs of one type compare field by field; a time.Time's are its instant here.
    if (a.get<Time>() && b.get<Time>()) return *a.get<Time>() == *b.get<Time>();
    throw CallError("uncomparable type " + type_name(a) + ": " + to_display(a));
}

bool less_than(const Value& a, const Value& b) {
    Kind ka = kind_of(a);
    Kind kb = kind_of(b);
    if (ka == Kind::invalid || kb == Kind::invalid || ka == Kind::boolean || kb == Kind::boolean)
        throw CallError("invalid type for comparison");
    if (ka != kb) throw CallError("incompatible types for comparison");
    switch (ka) {
        case Kind::integer:
            return *a.get<std::int64_t>() < *b.get<std::int64_t>();
        case Kind::floating:
            return *a.get<double>() < *b.get<double>();
        default:
            return to_display(a) < to_display(b);
    }
}

Value eq(const Args& args) {
    if (args.empty()) throw ArgumentError("wrong number of args for eq: want at least 1 got 0");
    if (args.size() == 1) throw CallError("missing argument for comparison");
    for (std::size_t i = 1; i < args.size(); ++i)
        if (equal_values(args[0], args[i])) return Value{true};
    return Value{false};
}

Function comparison(const std::string& name, bool (*decide)(const Value&, const Value&)) {
    return [name, decide](const Args& args, const FunctionContext&) {
        want_args(name, args, 2);
        return Value{decide(args[0], args[1])};
    };
}

Value length(const Value& v) {
    if (const auto* s = v.get<std::string>()) return Value{static_cast<std::int64_t>(s->size())};
    if (const auto* m = string_map(v)) return Value{static_cast<std::int64_t>(m->size())};
    if (const auto* r = v.get<QueryResult>()) return Value{static_cast<std::int64_t>(r->size())};
    if (const auto* items = list_items(v)) return Value{static_cast<std::int64_t>(items->size())};
    if (const auto* h = v.get<Html>()) return Value{static_cast<std::int64_t>(h->text.size())};
    throw CallError("len of type " + type_name(v));
}

Value index(const Args& args) {
    Value current = args[0];
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (const auto* m = string_map(current)) {
            const std::string& key = want_string(args, i);
            auto it = m->find(key);
            current = Value{it == m->end() ? std::string() : it->second};
        } else if (const auto* r = current.get<QueryResult>()) {
            const auto* n = args[i].get<std::int64_t>();
            if (n == nullptr)
                throw CallError("cannot index slice/array with type " + type_name(args[i]));
            if (*n < 0 || static_cast<std::size_t>(*n) >= r->size())
                throw CallError("error calling index: index out of range: " + std::to_string(*n));
            current = Value{(*r)[static_cast<std::size_t>(*n)]};
        } else if (const auto* items = list_items(current)) {
            const auto* n = args[i].get<std::int64_t>();
            if (n == nullptr)
                throw CallError(args[i].is_nil()
                                    ? "cannot index slice/array with nil"
                                    : "cannot index slice/array with type " + type_name(args[i]));
            // Go checks against the length inclusively, and reflect then panics at it.
            if (*n < 0 || static_cast<std::size_t>(*n) > items->size())
                throw CallError("index out of range: " + std::to_string(*n));
            if (static_cast<std::size_t>(*n) == items->size())
                throw CallError("reflect: slice index out of range");
            current = (*items)[static_cast<std::size_t>(*n)];
        } else {
            throw CallError("can't index item of type " + type_name(current));
        }
    }
    return current;
}

// fmt.Sprint: a space between operands when neither is a string.
std::string go_sprint(const Args& args) {
    std::string out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (i > 0 && !args[i].get<std::string>() && !args[i - 1].get<std::string>()) out += ' ';
        out += to_fmt(args[i]);
    }
    return out;
}

// url.QueryEscape: what is not unreserved becomes %XX, a space '+'.
std::string query_escape(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string url_path(const std::string& url) {
    auto scheme = url.find("://");
    auto start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    if (start == std::string::npos) return "";
    return url.substr(start, url.find_first_of("?#", start) - start);
}

using Simple = std::function<Value(const Args&)>;
Function fixed(const std::string& name, std::size_t n, Simple f) {
    return [name, n, f](const Args& args, const FunctionContext&) {
        want_args(name, args, n);
        return f(args);
    };
}

FunctionMap build_prometheus_functions() {
    FunctionMap fns = builtin_functions();
    auto humanizer = [&fns](const std::string& name, std::string (*f)(double)) {
        fns[name] = fixed(name, 1, [f](const Args& a) { return Value{f(to_float(a[0]))}; });
    };
    humanizer("humanize", humanize);
    humanizer("humanize1024", humanize_1024);
    humanizer("humanizeDuration", humanize_duration);
    humanizer("humanizePercentage", humanize_percentage);
    humanizer("humanizeTimestamp", humanize_timestamp);
    fns["toUpper"] =
        fixed("toUpper", 1, [](const Args& a) { return Value{to_upper(want_string(a, 0))}; });
    fns["toLower"] =
        fixed("toLower", 1, [](const Args& a) { return Value{to_lower(want_string(a, 0))}; });
    fns["title"] =
        fixed("title", 1, [](const Args& a) { return Value{strings_title(want_string(a, 0))}; });
    fns["safeHtml"] = fixed("safeHtml", 1, [](const Args& a) { return Value{want_string(a, 0)}; });
    fns["reReplaceAll"] = fixed("reReplaceAll", 3, [](const Args& a) {
        return Value{replace_all(want_string(a, 0), want_string(a, 1), want_string(a, 2))};
    });
    fns["match"] = fixed("match", 2, [](const Args& a) {
        auto re = compile(want_string(a, 0));
        return Value{RE2::PartialMatch(want_string(a, 1), *re)};
    });
    fns["stripPort"] = fixed("stripPort", 1, [](const Args& a) {
        std::string host, port;
        const std::string& s = want_string(a, 0);
        return Value{split_host_port(s, host, port) ? host : s};
    });
    fns["stripDomain"] = fixed("stripDomain", 1, [](const Args& a) {
        const std::string& s = want_string(a, 0);
        std::string host, port;
        if (!split_host_port(s, host, port)) host = s, port.clear();
        if (looks_like_ip(host)) return Value{s};
        host = host.substr(0, host.find('.'));
        if (port.empty()) return Value{host};
        return Value{host.find(':') != std::string::npos ? "[" + host + "]:" + port
                                                         : host + ":" + port};
    });
    fns["parseDuration"] = fixed("parseDuration", 1, [](const Args& a) {
        const std::string& s = want_string(a, 0);
        auto d = try_parse_duration(s);
        if (!d) throw CallError("not a valid duration string: \"" + s + "\"");
        return Value{static_cast<double>(d->count()) / 1000.0};
    });
    fns["query"] = [](const Args& a, const FunctionContext& ctx) {
        want_args("query", a, 1);
        if (!ctx.query) throw CallError("no query function available");
        try {
            return Value{ctx.query(want_string(a, 0))};
        } catch (const ArgumentError&) {
            throw;
        } catch (const std::exception& e) {
            throw CallError(e.what());
        }
    };
    fns["first"] = fixed("first", 1, [](const Args& a) {
        const auto& r = want_result(a, 0);
        if (r.empty()) throw CallError("first() called on vector with no elements");
        return Value{r.front()};
    });
    fns["label"] = fixed("label", 2, [](const Args& a) {
        const auto& labels = want_sample(a, 1).labels;
        auto it = labels.find(want_string(a, 0));
        return Value{it == labels.end() ? std::string() : it->second};
    });
    fns["value"] = fixed("value", 1, [](const Args& a) { return Value{want_sample(a, 0).value}; });
    fns["strvalue"] = fixed("strvalue", 1, [](const Args& a) {
        const auto& labels = want_sample(a, 0).labels;
        auto it = labels.find("__value__");
        return Value{it == labels.end() ? std::string() : it->second};
    });
    fns["sortByLabel"] = fixed("sortByLabel", 2, [](const Args& a) {
        std::string label = want_string(a, 0);
        QueryResult r = want_result(a, 1);
        std::stable_sort(r.begin(), r.end(), [&label](const QuerySample& x, const QuerySample& y) {
            auto get = [&label](const QuerySample& s) {
                auto it = s.labels.find(label);
                return it == s.labels.end() ? std::string() : it->second;
            };
            return get(x) < get(y);
        });
        return Value{r};
    });
    fns["externalURL"] = [](const Args& a, const FunctionContext& ctx) {
        want_args("externalURL", a, 0);
        return Value{ctx.external_url};
    };
    fns["pathPrefix"] = [](const Args& a, const FunctionContext& ctx) {
        want_args("pathPrefix", a, 0);
        return Value{url_path(ctx.external_url)};
    };
    return fns;
}

FunctionMap build_builtins() {
    FunctionMap fns;
    fns["eq"] = [](const Args& a, const FunctionContext&) { return eq(a); };
    fns["ne"] =
        comparison("ne", [](const Value& x, const Value& y) { return !equal_values(x, y); });
    fns["lt"] = comparison("lt", less_than);
    fns["le"] = comparison(
        "le", [](const Value& x, const Value& y) { return less_than(x, y) || equal_values(x, y); });
    fns["gt"] = comparison("gt", [](const Value& x, const Value& y) {
        return !less_than(x, y) && !equal_values(x, y);
    });
    fns["ge"] = comparison("ge", [](const Value& x, const Value& y) { return !less_than(x, y); });
    fns["not"] = fixed("not", 1, [](const Args& a) { return Value{!is_true(a[0])}; });
    fns["len"] = fixed("len", 1, [](const Args& a) { return length(a[0]); });
    fns["index"] = [](const Args& a, const FunctionContext&) {
        want_at_least("index", a, 1);
        return index(a);
    };
    fns["print"] = [](const Args& a, const FunctionContext&) { return Value{go_sprint(a)}; };
    fns["println"] = [](const Args& a, const FunctionContext&) {
        std::string out;
        for (std::size_t i = 0; i < a.size(); ++i) out += (i > 0 ? " " : "") + to_fmt(a[i]);
        return Value{out + "\n"};
    };
    fns["printf"] = [](const Args& a, const FunctionContext&) {
        want_at_least("printf", a, 1);
        return Value{go_sprintf(want_string(a, 0), Args(a.begin() + 1, a.end()))};
    };
    fns["html"] = [](const Args& a, const FunctionContext&) {
        return Value{html_escape(go_sprint(a))};
    };
    fns["urlquery"] = [](const Args& a, const FunctionContext&) {
        return Value{query_escape(go_sprint(a))};
    };
    return fns;
}

}  // namespace

std::string humanize(double v) {
    if (v == 0 || std::isnan(v) || std::isinf(v)) return format_float_g(v, 4);
    if (std::fabs(v) >= 1) return scale(v, kLarge, 1000, true);
    return scale(v, kSmall, 1000, false);
}

std::string humanize_1024(double v) {
    if (std::fabs(v) <= 1 || std::isnan(v) || std::isinf(v)) return format_float_g(v, 4);
    return scale(v, kBinary, 1024, true);
}

namespace {

// Go's int64(v) on amd64 (CVTTSD2SQ): out of range, it is the minimum int64, never UB.
std::int64_t go_truncate_to_int64(double v) {
    constexpr double kTwoTo63 = 0x1p63;
    if (!(v > -kTwoTo63 && v < kTwoTo63)) return std::numeric_limits<std::int64_t>::min();
    return static_cast<std::int64_t>(v);
}

}  // namespace

std::string humanize_duration(double v) {
    if (std::isnan(v) || std::isinf(v)) return format_float_g(v, 4);
    if (v == 0) return format_float_g(v, 4) + "s";
    if (std::fabs(v) >= 1) {
        std::string sign = v < 0 ? "-" : "";
        v = std::fabs(v);
        std::int64_t duration = go_truncate_to_int64(v);
        std::int64_t seconds = duration % 60;
        std::int64_t minutes = (duration / 60) % 60;
        std::int64_t hours = (duration / 3600) % 24;
        std::int64_t days = duration / 86400;
        auto s = [](std::int64_t n) { return std::to_string(n); };
        if (days != 0)
            return sign + s(days) + "d " + s(hours) + "h " + s(minutes) + "m " + s(seconds) + "s";
        if (hours != 0) return sign + s(hours) + "h " + s(minutes) + "m " + s(seconds) + "s";
        if (minutes != 0) return sign + s(minutes) + "m " + s(seconds) + "s";
        return sign + format_float_g(v, 4) + "s";
    }
    return scale(v, kSmall, 1000, false) + "s";
}

std::string humanize_percentage(double v) {
    return format_float_g(v * 100, 4) + "%";
}

std::string humanize_timestamp(double v) {
    if (std::isnan(v) || std::isinf(v)) return format_float_g(v, 4);
    double nanos = v * 1e9;
    if (nanos > static_cast<double>(std::numeric_limits<std::int64_t>::max()) ||
        nanos < static_cast<double>(std::numeric_limits<std::int64_t>::min()))
        throw CallError(
            format_float_shortest(v) +
            " cannot be represented as a nanoseconds timestamp since it overflows int64");
    return format_go_time(static_cast<std::int64_t>(nanos) / 1'000'000);
}

const FunctionMap& builtin_functions() {
    static const auto functions = build_builtins();
    return functions;
}

const FunctionMap& prometheus_functions() {
    static const auto functions = build_prometheus_functions();
    return functions;
}

}  // namespace stackwatch::tmpl
