#include "ruler/template/html_escapers.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "ruler/template/go_time.hpp"
#include "ruler/template/html_context.hpp"
#include "ruler/template/utf8.hpp"

namespace stackwatch::tmpl::html {
namespace {

constexpr const char* kFailsafe = "ZgotmplZ";

// content.go's stringify for one argument: its text, and whether it is template.HTML.
std::pair<std::string, bool> stringify(const Value& value) {
    if (const auto* h = value.get<Html>()) return {h->text, true};
    if (value.is_nil()) return {"", false};  // Go skips untyped nil arguments
    return {to_display(value), false};
}

using Table = const char* (*)(char32_t);

// html.go's htmlReplacer: `table` replaces code points; without bad_runes, the noncharacters
// U+FDD0..U+FDEF and U+FFF0..U+FFFF become numeric references.
std::string replace_html(const std::string& s, Table table, bool bad_runes) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        Rune r = decode_rune(s, i);
        if (const char* repl = table(r.value)) {
            out += repl;
        } else if (!bad_runes && ((r.value >= 0xFDD0 && r.value <= 0xFDEF) || r.value >= 0xFFF0) &&
                   r.value <= 0xFFFF) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "&#x%x;", static_cast<unsigned>(r.value));
            out += buf;
        } else {
            out.append(s, i, r.length);
        }
        i += r.length;
    }
    return out;
}

const char* html_table(char32_t c) {
    switch (c) {
        case 0:
            return "\xEF\xBF\xBD";
        case '"':
            return "&#34;";
        case '&':
            return "&amp;";
        case '\'':
            return "&#39;";
        case '+':
            return "&#43;";
        case '<':
            return "&lt;";
        case '>':
            return "&gt;";
        default:
            return nullptr;
    }
}
// The same without '&': HTML's own references stay.
const char* html_norm_table(char32_t c) {
    return c == '&' ? nullptr : html_table(c);
}
const char* nospace_table(char32_t c) {
    switch (c) {
        case 0:
            return "&#xfffd;";
        case '\t':
            return "&#9;";
        case '\n':
            return "&#10;";
        case '\v':
            return "&#11;";
        case '\f':
            return "&#12;";
        case '\r':
            return "&#13;";
        case ' ':
            return "&#32;";
        case '=':
            return "&#61;";
        case '`':
            return "&#96;";
        default:
            return html_table(c);
    }
}
const char* nospace_norm_table(char32_t c) {
    return c == '&' ? nullptr : nospace_table(c);
}

bool is_safe_url(const std::string& s) {
    auto colon = s.find(':');
    if (colon == std::string::npos) return true;
    std::string protocol = s.substr(0, colon);
    if (protocol.find('/') != std::string::npos) return true;
    for (char& c : protocol) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return protocol == "http" || protocol == "https" || protocol == "mailto";
}

bool hex(char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

// url.go's processURLOnto: what a URL may not hold becomes %xx; `normalize` keeps reserved
// characters and existing escapes.
std::string process_url(const std::string& s, bool normalize) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ||
                    c == '_' || c == '~';
        if (normalize && std::string_view("!#$&*+,/:;=?@[]").find(c) != std::string_view::npos)
            keep = true;
        if (normalize && c == '%' && i + 2 < s.size() && hex(s[i + 1]) && hex(s[i + 2]))
            keep = true;
        if (keep && static_cast<unsigned char>(c) < 0x80) {
            out += c;
            continue;
        }
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02x", static_cast<unsigned char>(c));
        out += buf;
    }
    return out;
}

bool html_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

std::string srcset_escape(const std::string& s) {
    std::string out;
    auto element = [&](std::size_t left, std::size_t right) {
        std::size_t start = left;
        while (start < right && html_space(s[start])) ++start;
        std::size_t end = right;
        for (std::size_t i = start; i < right; ++i)
            if (html_space(s[i])) {
                end = i;
                break;
            }
        std::string url = s.substr(start, end - start);
        bool metadata_ok = true;
        for (std::size_t i = end; i < right; ++i)
            if (!(html_space(s[i]) || std::isalnum(static_cast<unsigned char>(s[i]))))
                metadata_ok = false;
        if (is_safe_url(url) && metadata_ok) {
            out +=
                s.substr(left, start - left) + process_url(url, true) + s.substr(end, right - end);
        } else {
            out += std::string("#") + kFailsafe;
        }
    };
    std::size_t written = 0;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (s[i] == ',') {
            element(written, i);
            out += ',';
            written = i + 1;
        }
    element(written, s.size());
    return out;
}

// js.go's replace: control characters, `table`'s entries and U+2028/U+2029 escaped.
std::string replace_js(const std::string& s, const char* (*table)(char)) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        Rune r = decode_rune(s, i);
        char buf[8];
        if (r.value < 0x20 && r.value != '\t' && r.value != '\n' && r.value != '\f' &&
            r.value != '\r') {
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(r.value));
            out += buf;
        } else if (r.value == 0x2028 || r.value == 0x2029) {
            out += r.value == 0x2028 ? "\\u2028" : "\\u2029";
        } else if (const char* repl =
                       r.value < 0x80 ? table(static_cast<char>(r.value)) : nullptr) {
            out += repl;
        } else {
            out.append(s, i, r.length);
        }
        i += r.length;
    }
    return out;
}

const char* js_string_table(char c) {
    switch (c) {
        case '\t':
            return "\\t";
        case '\n':
            return "\\n";
        case '\f':
            return "\\f";
        case '\r':
            return "\\r";
        case '"':
            return "\\u0022";
        case '`':
            return "\\u0060";
        case '&':
            return "\\u0026";
        case '\'':
            return "\\u0027";
        case '+':
            return "\\u002b";
        case '/':
            return "\\/";
        case '<':
            return "\\u003c";
        case '>':
            return "\\u003e";
        case '\\':
            return "\\\\";
        default:
            return nullptr;
    }
}

const char* js_regexp_table(char c) {
    switch (c) {
        case '$':
            return "\\$";
        case '(':
            return "\\(";
        case ')':
            return "\\)";
        case '*':
            return "\\*";
        case '-':
            return "\\-";
        case '.':
            return "\\.";
        case '?':
            return "\\?";
        case '[':
            return "\\[";
        case ']':
            return "\\]";
        case '^':
            return "\\^";
        case '{':
            return "\\{";
        case '|':
            return "\\|";
        case '}':
            return "\\}";
        case '`':
            return nullptr;
        default:
            return js_string_table(c);
    }
}

// encoding/json's string encoding with HTML escaping, as json.Marshal writes one.
std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size();) {
        Rune r = decode_rune(s, i);
        char buf[8];
        switch (r.value) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (r.value < 0x20 || r.value == '<' || r.value == '>' || r.value == '&' ||
                    r.value == 0x2028 || r.value == 0x2029) {
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(r.value));
                    out += buf;
                } else if (!r.valid) {
                    out += "\\ufffd";  // an invalid byte
                } else {
                    out.append(s, i, r.length);
                }
        }
        i += r.length;
    }
    return out + "\"";
}

struct JsonError {
    std::string message;
};

std::string json_float(double f) {
    if (std::isnan(f) || std::isinf(f))
        throw JsonError{"json: unsupported value: " + format_float_shortest(f)};
    double a = std::fabs(f);
    bool exponent = a != 0 && (a < 1e-6 || a >= 1e21);
    char buf[64];
    auto [end, ec] =
        std::to_chars(buf, buf + sizeof buf, f,
                      exponent ? std::chars_format::scientific : std::chars_format::fixed);
    std::string out(buf, end);
    std::size_t n = out.size();
    if (exponent && n >= 4 && out[n - 4] == 'e' && out[n - 3] == '-' && out[n - 2] == '0')
        out.erase(n - 2, 1);  // e-07 is e-7
    return out;
}

std::string json_map(const StringMap& m) {
    std::string out = "{";
    for (const auto& [k, v] : m)
        out += (out.size() > 1 ? "," : "") + json_string(k) + ":" + json_string(v);
    return out + "}";
}

// json.Marshal of a value: maps by key, structs by field, time.Time as RFC 3339.
std::string to_json(const Value& value) {
    if (value.is_nil()) return "null";
    if (const auto* b = value.get<bool>()) return *b ? "true" : "false";
    if (const auto* i = value.get<std::int64_t>()) return std::to_string(*i);
    if (const auto* d = value.get<double>()) return json_float(*d);
    if (const auto* s = value.get<std::string>()) return json_string(*s);
    if (const auto* h = value.get<Html>()) return json_string(h->text);
    if (const auto* t = value.get<Time>())
        return json_string(format_time(*t, "2006-01-02T15:04:05.999999999Z07:00"));
    if (const auto* m = string_map(value)) return json_map(*m);
    if (const auto* items = list_items(value)) {
        std::string out = "[";
        for (const auto& item : *items) out += (out.size() > 1 ? "," : "") + to_json(item);
        return out + "]";
    }
    if (const auto* s = value.get<std::shared_ptr<const Struct>>()) {
        std::string out = "{";
        for (const auto& [name, field] : (*s)->fields)
            out += (out.size() > 1 ? "," : "") + json_string(name) + ":" + to_json(field);
        return out + "}";
    }
    if (const auto* sample = value.get<QuerySample>())
        return "{\"Labels\":" + json_map(sample->labels) +
               ",\"Value\":" + json_float(sample->value) + "}";
    if (const auto* result = value.get<QueryResult>()) {
        std::string out = "[";
        for (const auto& sample : *result)
            out += (out.size() > 1 ? "," : "") + to_json(Value{sample});
        return out + "]";
    }
    return "null";
}

bool js_ident_part(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '$' || c == '_';
}

std::string js_value(const Value& value) {
    std::string json;
    try {
        json = to_json(value);
    } catch (const JsonError& e) {
        return " /* " + e.message + " */null ";
    }
    // A value next to an identifier or number must not merge with it.
    if (js_ident_part(json.front()) || js_ident_part(json.back())) return " " + json + " ";
    return json;
}

std::string css_escape(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        Rune r = decode_rune(s, i);
        const char* repl = nullptr;
        static const std::pair<char, const char*> kTable[] = {
            {'\0', "\\0"}, {'\t', "\\9"},  {'\n', "\\a"},  {'\f', "\\c"}, {'\r', "\\d"},
            {'"', "\\22"}, {'&', "\\26"},  {'\'', "\\27"}, {'(', "\\28"}, {')', "\\29"},
            {'+', "\\2b"}, {'/', "\\2f"},  {':', "\\3a"},  {';', "\\3b"}, {'<', "\\3c"},
            {'>', "\\3e"}, {'\\', "\\\\"}, {'{', "\\7b"},  {'}', "\\7d"}};
        for (const auto& [c, text] : kTable)
            if (r.value == static_cast<unsigned char>(c)) repl = text;
        std::size_t next = i + r.length;
        if (repl == nullptr) {
            out.append(s, i, r.length);
        } else {
            out += repl;
            bool separate = next == s.size() || hex(s[next]) || html_space(s[next]);
            if (std::string_view(repl) != "\\\\" && separate) out += ' ';
        }
        i = next;
    }
    return out;
}

std::string css_value_filter(const std::string& s) {
    std::string b = decode_css(s);
    std::string id;
    for (std::size_t i = 0; i < b.size(); ++i) {
        char c = b[i];
        if (std::string_view("\"'()/;@[\\]`{}", 14).find(c) != std::string_view::npos)
            return kFailsafe;  // the view includes NUL
        if (c == '-' && i != 0 && b[i - 1] == '-') return kFailsafe;
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')
            id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (id.find("expression") != std::string::npos || id.find("mozbinding") != std::string::npos)
        return kFailsafe;
    return b;
}

std::string name_filter(const std::string& s) {
    if (s.empty()) return kFailsafe;
    std::string name;
    for (char c : s) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (attr_type(name) != ContentType::plain) return kFailsafe;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80)
            return kFailsafe;
    return name;
}

}  // namespace

std::string escape(Escaper escaper, const Value& value) {
    auto [s, is_html] = stringify(value);
    switch (escaper) {
        case Escaper::html:
            return is_html ? s : replace_html(s, html_table, true);
        case Escaper::rcdata:
            return replace_html(s, is_html ? html_norm_table : html_table, true);
        case Escaper::attr:
            return is_html ? replace_html(strip_tags(s), html_norm_table, true)
                           : replace_html(s, html_table, true);
        case Escaper::nospace:
            return is_html ? replace_html(strip_tags(s), nospace_norm_table, false)
                           : replace_html(s, nospace_table, false);
        case Escaper::name_filter:
            return name_filter(s);
        case Escaper::comment:
            return "";
        case Escaper::url_filter:
            return is_safe_url(s) ? s : std::string("#") + kFailsafe;
        case Escaper::url_normalizer:
            return process_url(s, true);
        case Escaper::url_escaper:
            return process_url(s, false);
        case Escaper::srcset:
            return srcset_escape(s);
        case Escaper::js_value:
            return js_value(value);
        case Escaper::js_string:
            return replace_js(s, js_string_table);
        case Escaper::js_regexp: {
            std::string out = replace_js(s, js_regexp_table);
            return out.empty() ? "(?:)" : out;
        }
        case Escaper::css:
            return css_escape(s);
        case Escaper::css_value_filter:
            return css_value_filter(s);
    }
    return s;
}

bool equivalent(Escaper escaper, const std::string& predefined) {
    if (predefined == "html")
        return escaper == Escaper::html || escaper == Escaper::rcdata || escaper == Escaper::attr;
    if (predefined == "urlquery")
        return escaper == Escaper::url_escaper || escaper == Escaper::url_normalizer;
    return false;
}

}  // namespace stackwatch::tmpl::html
