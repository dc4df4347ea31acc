#include "ruler/template/value.hpp"

#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "ruler/template/go_time.hpp"

namespace stackwatch::tmpl {
namespace {

std::string go_special_float(double v) {
    if (std::isnan(v)) return "NaN";
    return v > 0 ? "+Inf" : "-Inf";
}

// Go pads with spaces on the left unless '-' asks for the right.
std::string pad(std::string text, int width, bool left_align) {
    if (width <= 0 || static_cast<int>(text.size()) >= width) return text;
    std::string fill(static_cast<std::size_t>(width) - text.size(), ' ');
    return left_align ? text + fill : fill + text;
}

struct Spec {
    std::string flags;
    int width = -1;
    int precision = -1;
    char verb = 0;
};

std::string c_format(const Spec& spec, char verb, double v) {
    std::string fmt = "%" + spec.flags;
    if (spec.width >= 0) fmt += std::to_string(spec.width);
    if (spec.precision >= 0) fmt += "." + std::to_string(spec.precision);
    fmt += verb;
    char buf[512];
    std::snprintf(buf, sizeof buf, fmt.c_str(), v);
    return buf;
}

std::string bad_verb(char verb, const Value& arg) {
    if (arg.is_nil()) return std::string("%!") + verb + "(<nil>)";
    return std::string("%!") + verb + "(" + type_name(arg) + "=" + to_display(arg) + ")";
}

// The '#' flag on %g and %x: a decimal point always, and trailing zeros up to `digits`
// significant digits, as Go's fmt pads the shortest form (not C's: %#g of 0.1+0.2 keeps all 17).
std::string with_go_sharp_digits(std::string num, int digits) {
    std::size_t start = !num.empty() && (num[0] == '-' || num[0] == '+') ? 1 : 0;
    bool hex = num.find_first_of("xX") != std::string::npos;
    std::size_t tail_at = num.find_first_of(hex ? "pP" : "eE", start);
    std::string tail = tail_at == std::string::npos ? "" : num.substr(tail_at);
    num.resize(tail_at == std::string::npos ? num.size() : tail_at);
    bool has_point = false, seen_nonzero = false;
    for (std::size_t i = start; i < num.size(); ++i) {
        if (num[i] == '.') {
            has_point = true;
            continue;
        }
        if (num[i] != '0') seen_nonzero = true;
        if (seen_nonzero) --digits;
    }
    if (!has_point) {
        if (num.size() - start == 1 && num[start] == '0') --digits;
        num += '.';
    }
    if (digits > 0) num.append(static_cast<std::size_t>(digits), '0');
    return num + tail;
}

std::string format_float_verb(const Spec& spec, double v) {
    bool left = spec.flags.find('-') != std::string::npos;
    if (std::isnan(v) || std::isinf(v)) {
        // Go spells these "NaN", "+Inf", "-Inf" for every float verb.
        return pad(go_special_float(v), spec.width, left);
    }
    if ((spec.verb == 'g' || spec.verb == 'G') && spec.precision < 0) {
        std::string text = format_float_shortest(v);
        if (spec.flags.find('#') != std::string::npos) text = with_go_sharp_digits(text, 6);
        if (spec.verb == 'G')
            for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return pad(text, spec.width, left);
    }
    return c_format(spec, spec.verb, v);
}

// A float's sign, mantissa with its implicit bit, and exponent, as Go's strconv splits it before
// %b and %x: the value is mantissa * 2^(exponent - 52).
struct FloatParts {
    bool negative;
    std::uint64_t mantissa;
    int exponent;
};

constexpr int kMantissaBits = 52;

FloatParts split_float(double v) {
    auto bits = std::bit_cast<std::uint64_t>(v);
    FloatParts parts{(bits >> 63) != 0, bits & ((std::uint64_t{1} << kMantissaBits) - 1),
                     static_cast<int>((bits >> kMantissaBits) & 0x7ff)};
    if (parts.exponent == 0) {
        ++parts.exponent;  // subnormal
    } else {
        parts.mantissa |= std::uint64_t{1} << kMantissaBits;
    }
    parts.exponent -= 1023;
    return parts;
}

// %b: the mantissa in decimal and the power of two, -ddddp±ddd.
std::string go_binary_float(double v) {
    FloatParts parts = split_float(v);
    int exponent = parts.exponent - kMantissaBits;
    return (parts.negative ? "-" : "") + std::to_string(parts.mantissa) + "p" +
           (exponent >= 0 ? "+" : "") + std::to_string(exponent);
}

// %x and %X of a float as Go's strconv writes them: -0x1.yyyyp±dd, the mantissa's leading 1 at
// bit 60 of a 64-bit word, rounded to nearest-even when a precision asks for fewer hex digits.
std::string go_hex_float(double v, int precision, char verb) {
    auto [negative, mantissa, exponent] = split_float(v);
    if (mantissa == 0) exponent = 0;
    constexpr std::uint64_t kLead = std::uint64_t{1} << 60;
    mantissa <<= 60 - kMantissaBits;
    while (mantissa != 0 && (mantissa & kLead) == 0) {
        mantissa <<= 1;
        --exponent;
    }
    if (precision >= 0 && precision < 15) {
        auto shift = static_cast<unsigned>(precision * 4);
        std::uint64_t extra = (mantissa << shift) & (kLead - 1);
        mantissa >>= 60 - shift;
        if ((extra | (mantissa & 1)) > kLead / 2) ++mantissa;
        mantissa <<= 60 - shift;
        if ((mantissa & (kLead << 1)) != 0) {  // rounding carried into a new leading digit
            mantissa >>= 1;
            ++exponent;
        }
    }
    const char* digits = verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    std::string out = negative ? "-" : "";
    out += '0';
    out += verb;
    out += static_cast<char>('0' + ((mantissa >> 60) & 1));
    mantissa <<= 4;
    if (precision < 0 && mantissa != 0) {
        out += '.';
        for (; mantissa != 0; mantissa <<= 4) out += digits[(mantissa >> 60) & 15];
    } else if (precision > 0) {
        out += '.';
        for (int i = 0; i < precision; ++i, mantissa <<= 4) out += digits[(mantissa >> 60) & 15];
    }
    out += verb == 'X' ? 'P' : 'p';
    out += exponent < 0 ? '-' : '+';
    std::string magnitude = std::to_string(std::abs(exponent));
    if (magnitude.size() < 2) magnitude.insert(0, "0");
    return out + magnitude;
}

std::string format_one(const Spec& spec, const Value& arg) {
    bool left = spec.flags.find('-') != std::string::npos;
    switch (spec.verb) {
        case 'v':
            return pad(to_fmt(arg), spec.width, left);
        case 's':
            if (const auto* s = arg.get<std::string>()) {
                std::string text = *s;
                if (spec.precision >= 0 && static_cast<int>(text.size()) > spec.precision)
                    text.resize(static_cast<std::size_t>(spec.precision));
                return pad(text, spec.width, left);
            }
            // Composites print their strings, and time.Time and HTML are strings to fmt.
            if (string_map(arg) || list_items(arg) || arg.get<Time>() || arg.get<Html>() ||
                arg.get<std::shared_ptr<const Struct>>())
                return pad(to_display(arg), spec.width, left);
            return bad_verb('s', arg);
        case 'q':
            if (const auto* s = arg.get<std::string>()) return pad(go_quote(*s), spec.width, left);
            return bad_verb('q', arg);
        case 't':
            if (const auto* b = arg.get<bool>())
                return pad(*b ? "true" : "false", spec.width, left);
            return bad_verb('t', arg);
        case 'd':
            if (const auto* i = arg.get<std::int64_t>()) {
                std::string fmt =
                    "%" + spec.flags + (spec.width >= 0 ? std::to_string(spec.width) : "") + "lld";
                char buf[64];
                std::snprintf(buf, sizeof buf, fmt.c_str(), static_cast<long long>(*i));
                return buf;
            }
            return bad_verb('d', arg);
        case 'x':
        case 'X': {
            if (const auto* i = arg.get<std::int64_t>()) {
                std::string fmt = "%" + spec.flags +
                                  (spec.width >= 0 ? std::to_string(spec.width) : "") +
                                  (spec.verb == 'x' ? "llx" : "llX");
                char buf[64];
                std::snprintf(buf, sizeof buf, fmt.c_str(), static_cast<unsigned long long>(*i));
                return buf;
            }
            if (const auto* s = arg.get<std::string>()) {
                std::string out;
                char buf[4];
                for (unsigned char c : *s) {
                    std::snprintf(buf, sizeof buf, spec.verb == 'x' ? "%02x" : "%02X", c);
                    out += buf;
                }
                return pad(out, spec.width, left);
            }
            if (const auto* d = arg.get<double>()) {
                if (std::isnan(*d) || std::isinf(*d))
                    return pad(go_special_float(*d), spec.width, left);
                std::string text = go_hex_float(*d, spec.precision, spec.verb);
                // Go's fmt pads %#x to six digits but leaves %#X at its own: only 'x' is in its
                // list.
                if (spec.flags.find('#') != std::string::npos)
                    text = with_go_sharp_digits(
                        text, spec.verb == 'X' ? 0 : (spec.precision < 0 ? 6 : spec.precision));
                if (spec.flags.find('+') != std::string::npos && text[0] != '-')
                    text.insert(0, "+");
                return pad(text, spec.width, left);
            }
            return bad_verb(spec.verb, arg);
        }
        case 'b':
            if (const auto* d = arg.get<double>()) {
                if (std::isnan(*d) || std::isinf(*d))
                    return pad(go_special_float(*d), spec.width, left);
                std::string text = go_binary_float(*d);
                if (spec.flags.find('+') != std::string::npos && text[0] != '-')
                    text.insert(0, "+");
                return pad(text, spec.width, left);
            }
            return bad_verb('b', arg);
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
            if (const auto* d = arg.get<double>()) return format_float_verb(spec, *d);
            return bad_verb(spec.verb, arg);
        default:
            return bad_verb(spec.verb, arg);
    }
}

}  // namespace

std::string type_name(const Value& value) {
    struct Visitor {
        std::string operator()(std::monostate) const { return "<nil>"; }
        std::string operator()(bool) const { return "bool"; }
        std::string operator()(std::int64_t) const { return "int"; }
        std::string operator()(double) const { return "float64"; }
        std::string operator()(const std::string&) const { return "string"; }
        std::string operator()(const StringMap&) const { return "map[string]string"; }
        std::string operator()(const QueryResult&) const { return "template.queryResult"; }
        std::string operator()(const QuerySample&) const { return "*template.sample"; }
        std::string operator()(const std::shared_ptr<const Struct>& s) const {
            return s->type_name;
        }
        std::string operator()(const std::shared_ptr<const List>& l) const { return l->type_name; }
        std::string operator()(const std::shared_ptr<const NamedMap>& m) const {
            return m->type_name;
        }
        std::string operator()(const Time&) const { return "time.Time"; }
        std::string operator()(const Html&) const { return "template.HTML"; }
    };
    return std::visit(Visitor{}, value.v);
}

bool is_true(const Value& value) {
    struct Visitor {
        bool operator()(std::monostate) const { return false; }
        bool operator()(bool b) const { return b; }
        bool operator()(std::int64_t i) const { return i != 0; }
        bool operator()(double d) const { return d != 0; }
        bool operator()(const std::string& s) const { return !s.empty(); }
        bool operator()(const StringMap& m) const { return !m.empty(); }
        bool operator()(const QueryResult& r) const { return !r.empty(); }
        bool operator()(const QuerySample&) const { return true; }
        bool operator()(const std::shared_ptr<const Struct>&) const { return true; }
        bool operator()(const std::shared_ptr<const List>& l) const { return !l->items.empty(); }
        bool operator()(const std::shared_ptr<const NamedMap>& m) const {
            return !m->entries.empty();
        }
        bool operator()(const Time&) const { return true; }  // a struct
        bool operator()(const Html& h) const { return !h.text.empty(); }
    };
    return std::visit(Visitor{}, value.v);
}

std::string to_display(const Value& value) {
    struct Visitor {
        std::string operator()(std::monostate) const { return "<no value>"; }
        std::string operator()(bool b) const { return b ? "true" : "false"; }
        std::string operator()(std::int64_t i) const { return std::to_string(i); }
        std::string operator()(double d) const { return format_float_shortest(d); }
        std::string operator()(const std::string& s) const { return s; }
        std::string operator()(const StringMap& m) const {
            std::string out = "map[";
            bool first = true;
            for (const auto& [k, v] : m) {
                if (!first) out += " ";
                first = false;
                out += k + ":" + v;
            }
            return out + "]";
        }
        std::string operator()(const QuerySample& s) const {
            return "&{" + (*this)(s.labels) + " " + format_float_shortest(s.value) + "}";
        }
        std::string operator()(const QueryResult& r) const {
            std::string out = "[";
            for (std::size_t i = 0; i < r.size(); ++i) {
                if (i > 0) out += " ";
                out += (*this)(r[i]);
            }
            return out + "]";
        }
        // A pointer to a struct prints as the struct: text/template dereferences what it prints.
        std::string operator()(const std::shared_ptr<const Struct>& s) const {
            std::string out = "{";
            for (std::size_t i = 0; i < s->fields.size(); ++i) {
                if (i > 0) out += " ";
                out += to_display(s->fields[i].second);
            }
            return out + "}";
        }
        std::string operator()(const std::shared_ptr<const List>& l) const {
            std::string out = "[";
            for (std::size_t i = 0; i < l->items.size(); ++i) {
                if (i > 0) out += " ";
                out += to_display(l->items[i]);
            }
            return out + "]";
        }
        std::string operator()(const std::shared_ptr<const NamedMap>& m) const {
            return (*this)(m->entries);
        }
        std::string operator()(const Time& t) const { return time_string(t); }
        std::string operator()(const Html& h) const { return h.text; }
    };
    return std::visit(Visitor{}, value.v);
}

Value string_list(const std::vector<std::string>& items) {
    auto list = std::make_shared<List>();
    list->type_name = "[]string";
    for (const auto& item : items) list->items.push_back(Value{item});
    return Value{std::shared_ptr<const List>(std::move(list))};
}

const StringMap* string_map(const Value& value) {
    if (const auto* m = value.get<StringMap>()) return m;
    if (const auto* m = value.get<std::shared_ptr<const NamedMap>>()) return &(*m)->entries;
    return nullptr;
}

const std::vector<Value>* list_items(const Value& value) {
    if (const auto* l = value.get<std::shared_ptr<const List>>()) return &(*l)->items;
    return nullptr;
}

const MethodTable* methods_of(const Value& value) {
    if (const auto* l = value.get<std::shared_ptr<const List>>()) return (*l)->methods;
    if (const auto* m = value.get<std::shared_ptr<const NamedMap>>()) return (*m)->methods;
    if (value.get<Time>()) return &time_methods();
    return nullptr;
}

std::string to_fmt(const Value& value) {
    return value.is_nil() ? "<nil>" : to_display(value);
}

std::string format_float_shortest(double v) {
    if (std::isnan(v) || std::isinf(v)) return go_special_float(v);
    if (v == 0) return std::signbit(v) ? "-0" : "0";
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    std::string sci(buf, end);  // e.g. "-1.234567e+06"
    std::string sign;
    if (sci[0] == '-') {
        sign = "-";
        sci.erase(0, 1);
    }
    auto e_pos = sci.find('e');
    int exponent = std::stoi(sci.substr(e_pos + 1));
    std::string digits;
    for (char c : sci.substr(0, e_pos))
        if (c != '.') digits += c;
    if (exponent < -4 || exponent >= 6) {
        std::string mantissa = digits.substr(0, 1);
        if (digits.size() > 1) mantissa += "." + digits.substr(1);
        char exp_buf[16];
        std::snprintf(exp_buf, sizeof exp_buf, "e%c%02d", exponent < 0 ? '-' : '+',
                      std::abs(exponent));
        return sign + mantissa + exp_buf;
    }
    if (exponent < 0)
        return sign + "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    auto int_len = static_cast<std::size_t>(exponent) + 1;
    if (digits.size() <= int_len) return sign + digits + std::string(int_len - digits.size(), '0');
    return sign + digits.substr(0, int_len) + "." + digits.substr(int_len);
}

std::string format_float_g(double v, int precision) {
    if (std::isnan(v) || std::isinf(v)) return go_special_float(v);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    return buf;
}

std::string go_sprintf(const std::string& format, const std::vector<Value>& args) {
    std::string out;
    std::size_t next_arg = 0;
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%') {
            out += format[i];
            continue;
        }
        Spec spec;
        ++i;
        while (i < format.size() &&
               std::string_view("-+# 0").find(format[i]) != std::string_view::npos)
            spec.flags += format[i++];
        auto read_number = [&](int& target) {
            if (i < format.size() && format[i] == '*') {
                ++i;
                if (next_arg < args.size())
                    if (const auto* n = args[next_arg].get<std::int64_t>())
                        target = static_cast<int>(*n);
                ++next_arg;
                return;
            }
            if (i >= format.size() || !std::isdigit(static_cast<unsigned char>(format[i]))) return;
            target = 0;
            while (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i])))
                target = target * 10 + (format[i++] - '0');
        };
        read_number(spec.width);
        if (i < format.size() && format[i] == '.') {
            ++i;
            spec.precision = 0;
            read_number(spec.precision);
        }
        if (i >= format.size()) {
            out += "%!(NOVERB)";
            break;
        }
        spec.verb = format[i];
        if (spec.verb == '%') {
            out += '%';
            continue;
        }
        if (next_arg >= args.size()) {
            out += std::string("%!") + spec.verb + "(MISSING)";
            continue;
        }
        out += format_one(spec, args[next_arg++]);
    }
    if (next_arg < args.size()) {
        out += "%!(EXTRA ";
        for (std::size_t a = next_arg; a < args.size(); ++a) {
            if (a > next_arg) out += ", ";
            out += args[a].is_nil() ? "<nil>" : type_name(args[a]) + "=" + to_display(args[a]);
        }
        out += ")";
    }
    return out;
}

std::string go_utc_time(std::int64_t millis, const char* layout) {
    std::int64_t secs = millis / 1000;
    std::int64_t ms = millis % 1000;
    if (ms < 0) {
        ms += 1000;
        secs -= 1;
    }
    auto tt = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, layout, &tm);
    std::string out = buf;
    if (ms != 0) {
        char frac[8];
        std::snprintf(frac, sizeof frac, ".%03lld", static_cast<long long>(ms));
        std::string f = frac;
        while (f.back() == '0') f.pop_back();
        out += f;
    }
    return out;
}

}  // namespace stackwatch::tmpl
