#include "ruler/template/html_context.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>
#include <utility>

#include "ruler/template/utf8.hpp"

namespace stackwatch::tmpl::html {
namespace {

using Step = std::pair<Context, std::size_t>;  // the context after, and the bytes consumed

constexpr std::string_view kWhite = " \t\n\f\r";

Step fail(std::string message) {
    Context c;
    c.state = State::error;
    c.error = std::move(message);
    return {c, std::string_view::npos};
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

bool alpha(char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}
bool alnum(char ch) {
    return alpha(ch) || (ch >= '0' && ch <= '9');
}
bool hex(char ch) {
    return std::isxdigit(static_cast<unsigned char>(ch)) != 0;
}

std::size_t eat_white(std::string_view s, std::size_t i) {
    while (i < s.size() && kWhite.find(s[i]) != std::string_view::npos) ++i;
    return i;
}

// html.UnescapeString for numeric references and the entities URLs and scripts use in practice.
std::string unescape_html(std::string_view s) {
    static const std::map<std::string, std::string, std::less<>> kNamed{
        {"amp", "&"},   {"lt", "<"},   {"gt", ">"},
        {"quot", "\""}, {"apos", "'"}, {"nbsp", "\xC2\xA0"}};
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        std::size_t semi = s[i] == '&' ? s.find(';', i) : std::string_view::npos;
        if (semi == std::string_view::npos || semi - i > 10) {
            out += s[i];
            continue;
        }
        std::string_view name = s.substr(i + 1, semi - i - 1);
        if (auto it = kNamed.find(name); it != kNamed.end()) {
            out += it->second;
            i = semi;
        } else if (name.size() > 1 && name[0] == '#') {
            bool is_hex = name[1] == 'x' || name[1] == 'X';
            std::string digits(name.substr(is_hex ? 2 : 1));
            bool ok = !digits.empty() && std::all_of(digits.begin(), digits.end(), [&](char ch) {
                return is_hex ? hex(ch) : std::isdigit(static_cast<unsigned char>(ch)) != 0;
            });
            if (!ok) {
                out += s[i];
                continue;
            }
            append_utf8(out, static_cast<char32_t>(std::stoul(digits, nullptr, is_hex ? 16 : 10)));
            i = semi;
        } else {
            out += s[i];
        }
    }
    return out;
}

}  // namespace

std::string decode_css(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        if (s[i] != '\\') {
            out += s[i++];
            continue;
        }
        if (i + 1 >= s.size()) break;
        if (!hex(s[i + 1])) {
            out += s[i + 1];
            i += 2;
            continue;
        }
        std::size_t j = i + 1;
        while (j < s.size() && j < i + 7 && hex(s[j])) ++j;
        char32_t rune =
            static_cast<char32_t>(std::stoul(std::string(s.substr(i + 1, j - i - 1)), nullptr, 16));
        if (rune > 0x10FFFF) {
            rune /= 16;
            --j;
        }
        append_utf8(out, rune);
        i = j;
        if (i < s.size() && (s[i] == '\t' || s[i] == '\n' || s[i] == '\f' || s[i] == ' ')) {
            ++i;
        } else if (i < s.size() && s[i] == '\r') {
            i += i + 1 < s.size() && s[i + 1] == '\n' ? 2 : 1;
        }
    }
    return out;
}

namespace {

bool js_ident_part(char ch) {
    return alnum(ch) || ch == '$' || ch == '_';
}

// js.go's nextJSCtx: whether a '/' after `s` starts a regexp or is a division.
JsCtx next_js_ctx(std::string_view s, JsCtx preceding) {
    // U+2028 and U+2029 are line terminators too; they end in 0xA8/0xA9 after E2 80.
    while (!s.empty()) {
        if (kWhite.find(s.back()) != std::string_view::npos) {
            s.remove_suffix(1);
        } else if (s.size() >= 3 && s.substr(s.size() - 3, 2) == "\xE2\x80" &&
                   (s.back() == '\xA8' || s.back() == '\xA9')) {
            s.remove_suffix(3);
        } else {
            break;
        }
    }
    if (s.empty()) return preceding;
    char last = s.back();
    std::size_t n = s.size();
    switch (last) {
        case '+':
        case '-': {
            std::size_t start = n - 1;
            while (start > 0 && s[start - 1] == last) --start;
            return (n - start) % 2 == 1 ? JsCtx::regexp : JsCtx::div_op;
        }
        case '.':
            if (n != 1 && s[n - 2] >= '0' && s[n - 2] <= '9') return JsCtx::div_op;
            return JsCtx::regexp;
        default:
            if (std::string_view(",<>=*%&|^?!~([:;{}").find(last) != std::string_view::npos)
                return JsCtx::regexp;
    }
    std::size_t j = n;
    while (j > 0 && js_ident_part(s[j - 1])) --j;
    static const char* const kKeywords[] = {"break", "case",    "continue", "delete",     "do",
                                            "else",  "finally", "in",       "instanceof", "return",
                                            "throw", "try",     "typeof",   "void"};
    for (const char* keyword : kKeywords)
        if (s.substr(j) == keyword) return JsCtx::regexp;
    return JsCtx::div_op;
}

Element element_named(std::string_view name) {
    std::string l = lower(name);
    if (l == "script") return Element::script;
    if (l == "style") return Element::style;
    if (l == "textarea") return Element::textarea;
    if (l == "title") return Element::title;
    return Element::none;
}

std::pair<std::size_t, Element> eat_tag_name(std::string_view s, std::size_t i) {
    if (i == s.size() || !alpha(s[i])) return {i, Element::none};
    std::size_t j = i + 1;
    while (j < s.size()) {
        if (alnum(s[j])) {
            ++j;
        } else if ((s[j] == ':' || s[j] == '-') && j + 1 < s.size() && alnum(s[j + 1])) {
            j += 2;
        } else {
            break;
        }
    }
    return {j, element_named(s.substr(i, j - i))};
}

// The end of an attribute name from `i`, or npos with `error` set.
std::size_t eat_attr_name(std::string_view s, std::size_t i, std::string& error) {
    for (std::size_t j = i; j < s.size(); ++j) {
        switch (s[j]) {
            case ' ':
            case '\t':
            case '\n':
            case '\f':
            case '\r':
            case '=':
            case '>':
                return j;
            case '\'':
            case '"':
            case '<':
                error = "\"" + std::string(1, s[j]) + "\" in attribute name: \"" +
                        std::string(s.substr(0, 32)) + "\"";
                return std::string_view::npos;
            default:
                break;
        }
    }
    return s.size();
}

State content_state(Element e) {
    switch (e) {
        case Element::script:
            return State::js;
        case Element::style:
            return State::css;
        case Element::textarea:
        case Element::title:
            return State::rcdata;
        default:
            return State::text;
    }
}

State attr_start_state(Attr a) {
    switch (a) {
        case Attr::script:
            return State::js;
        case Attr::style:
            return State::css;
        case Attr::url:
            return State::url;
        case Attr::srcset:
            return State::srcset;
        default:
            return State::attr;
    }
}

Step t_text(const Context& c, std::string_view s) {
    std::size_t k = 0;
    while (true) {
        std::size_t i = s.find('<', k);
        if (i == std::string_view::npos || i + 1 == s.size()) return {c, s.size()};
        if (s.substr(i, 4) == "<!--") return {Context{.state = State::html_comment}, i + 4};
        ++i;
        bool end = false;
        if (s[i] == '/') {
            if (i + 1 == s.size()) return {c, s.size()};
            end = true;
            ++i;
        }
        auto [j, element] = eat_tag_name(s, i);
        if (j != i)
            return {Context{.state = State::tag, .element = end ? Element::none : element}, j};
        k = j;
    }
}

Step t_tag(const Context& c, std::string_view s) {
    std::size_t i = eat_white(s, 0);
    if (i == s.size()) return {c, s.size()};
    if (s[i] == '>')
        return {Context{.state = content_state(c.element), .element = c.element}, i + 1};
    std::string error;
    std::size_t j = eat_attr_name(s, i, error);
    if (j == std::string_view::npos) return fail(error);
    if (i == j)
        return fail("expected space, attr name, or end of tag, but got \"" +
                    std::string(s.substr(i)) + "\"");
    std::string name = lower(s.substr(i, j - i));
    Attr attr = Attr::none;
    if (c.element == Element::script && name == "type") {
        attr = Attr::script_type;
    } else {
        switch (attr_type(name)) {
            case ContentType::url:
                attr = Attr::url;
                break;
            case ContentType::css:
                attr = Attr::style;
                break;
            case ContentType::js:
                attr = Attr::script;
                break;
            case ContentType::srcset:
                attr = Attr::srcset;
                break;
            default:
                break;
        }
    }
    return {Context{.state = j == s.size() ? State::attr_name : State::after_name,
                    .attr = attr,
                    .element = c.element},
            j};
}

Step t_attr_name(Context c, std::string_view s) {
    std::string error;
    std::size_t i = eat_attr_name(s, 0, error);
    if (i == std::string_view::npos) return fail(error);
    if (i != s.size()) c.state = State::after_name;
    return {c, i};
}

Step t_after_name(Context c, std::string_view s) {
    std::size_t i = eat_white(s, 0);
    if (i == s.size()) return {c, s.size()};
    if (s[i] != '=') {
        c.state = State::tag;
        return {c, i};
    }
    c.state = State::before_value;
    return {c, i + 1};
}

Step t_before_value(Context c, std::string_view s) {
    std::size_t i = eat_white(s, 0);
    if (i == s.size()) return {c, s.size()};
    Delim delim = Delim::space_or_tag_end;
    if (s[i] == '\'') {
        delim = Delim::single_quote;
        ++i;
    } else if (s[i] == '"') {
        delim = Delim::double_quote;
        ++i;
    }
    c.state = attr_start_state(c.attr);
    c.delim = delim;
    return {c, i};
}

Step t_html_comment(const Context& c, std::string_view s) {
    if (auto i = s.find("-->"); i != std::string_view::npos) return {Context{}, i + 3};
    return {c, s.size()};
}

// Where `</tag` followed by a separator starts in `s`, case-insensitively, or npos.
std::size_t index_tag_end(std::string_view s, std::string_view tag) {
    std::size_t res = 0;
    while (!s.empty()) {
        std::size_t i = s.find("</");
        if (i == std::string_view::npos) return i;
        s.remove_prefix(i + 2);
        if (tag.size() <= s.size() && lower(s.substr(0, tag.size())) == tag) {
            s.remove_prefix(tag.size());
            if (!s.empty() && std::string_view("> \t\n\f/").find(s[0]) != std::string_view::npos)
                return res + i;
            res += tag.size();
        }
        res += i + 2;
    }
    return std::string_view::npos;
}

Step t_special_tag_end(const Context& c, std::string_view s) {
    static const char* const kTags[] = {"", "script", "style", "textarea", "title"};
    if (c.element != Element::none) {
        std::size_t i = index_tag_end(s, kTags[static_cast<int>(c.element)]);
        if (i != std::string_view::npos) return {Context{}, i};
    }
    return {c, s.size()};
}

Step t_url(Context c, std::string_view s) {
    if (s.find_first_of("#?") != std::string_view::npos)
        c.url_part = UrlPart::query_or_fragment;
    else if (eat_white(s, 0) != s.size() && c.url_part == UrlPart::none)
        c.url_part = UrlPart::pre_query;
    return {c, s.size()};
}

Step t_js(Context c, std::string_view s) {
    std::size_t i = s.find_first_of("\"`'/");
    if (i == std::string_view::npos) {
        c.js_ctx = next_js_ctx(s, c.js_ctx);
        return {c, s.size()};
    }
    c.js_ctx = next_js_ctx(s.substr(0, i), c.js_ctx);
    switch (s[i]) {
        case '"':
            c.state = State::js_dq_str;
            c.js_ctx = JsCtx::regexp;
            break;
        case '\'':
            c.state = State::js_sq_str;
            c.js_ctx = JsCtx::regexp;
            break;
        case '`':
            c.state = State::js_bq_str;
            c.js_ctx = JsCtx::regexp;
            break;
        default:  // '/'
            if (i + 1 < s.size() && s[i + 1] == '/') {
                c.state = State::js_line_comment;
                ++i;
            } else if (i + 1 < s.size() && s[i + 1] == '*') {
                c.state = State::js_block_comment;
                ++i;
            } else if (c.js_ctx == JsCtx::regexp) {
                c.state = State::js_regexp;
            } else if (c.js_ctx == JsCtx::div_op) {
                c.js_ctx = JsCtx::regexp;
            } else {
                return fail("'/' could start a division or regexp: \"" +
                            std::string(s.substr(i, 32)) + "\"");
            }
    }
    return {c, i + 1};
}

Step t_js_delimited(Context c, std::string_view s) {
    std::string_view specials = "\\\"";
    if (c.state == State::js_sq_str) specials = "\\'";
    if (c.state == State::js_bq_str) specials = "`\\";
    if (c.state == State::js_regexp) specials = "\\/[]";
    bool in_charset = false;
    for (std::size_t k = 0;;) {
        std::size_t i = s.find_first_of(specials, k);
        if (i == std::string_view::npos) break;
        if (s[i] == '\\') {
            if (++i == s.size()) return fail("unfinished escape sequence in JS string");
        } else if (s[i] == '[') {
            in_charset = true;
        } else if (s[i] == ']') {
            in_charset = false;
        } else if (!in_charset) {
            c.state = State::js;
            c.js_ctx = JsCtx::div_op;
            return {c, i + 1};
        }
        k = i + 1;
    }
    if (in_charset) return fail("unfinished JS regexp charset");
    return {c, s.size()};
}

Step t_block_comment(Context c, std::string_view s) {
    std::size_t i = s.find("*/");
    if (i == std::string_view::npos) return {c, s.size()};
    c.state = c.state == State::js_block_comment ? State::js : State::css;
    return {c, i + 2};
}

Step t_line_comment(Context c, std::string_view s) {
    bool js = c.state == State::js_line_comment;
    std::size_t i = s.find_first_of(js ? "\n\r" : "\n\f\r");
    if (js) {
        std::size_t separator = std::min(s.find("\xE2\x80\xA8"), s.find("\xE2\x80\xA9"));
        i = std::min(i, separator);
    }
    if (i == std::string_view::npos) return {c, s.size()};
    c.state = js ? State::js : State::css;
    return {c, i};
}

bool ends_with_css_keyword(std::string_view b, std::string_view keyword) {
    if (b.size() < keyword.size() || lower(b.substr(b.size() - keyword.size())) != keyword)
        return false;
    if (b.size() == keyword.size()) return true;
    char before = b[b.size() - keyword.size() - 1];
    // css.go's isCSSNmchar: a keyword must not end a longer name.
    return !(alnum(before) || before == '-' || before == '_' ||
             static_cast<unsigned char>(before) >= 0x80);
}

Step t_css(Context c, std::string_view s) {
    for (std::size_t k = 0;;) {
        std::size_t i = s.find_first_of("(\"'/", k);
        if (i == std::string_view::npos) return {c, s.size()};
        switch (s[i]) {
            case '(': {
                std::string_view p = s.substr(0, i);
                while (!p.empty() && kWhite.find(p.back()) != std::string_view::npos)
                    p.remove_suffix(1);
                if (ends_with_css_keyword(p, "url")) {
                    std::size_t j = eat_white(s, i + 1);
                    if (j != s.size() && s[j] == '"') {
                        c.state = State::css_dq_url;
                        ++j;
                    } else if (j != s.size() && s[j] == '\'') {
                        c.state = State::css_sq_url;
                        ++j;
                    } else {
                        c.state = State::css_url;
                    }
                    return {c, j};
                }
                break;
            }
            case '/':
                if (i + 1 < s.size() && (s[i + 1] == '/' || s[i + 1] == '*')) {
                    c.state = s[i + 1] == '/' ? State::css_line_comment : State::css_block_comment;
                    return {c, i + 2};
                }
                break;
            case '"':
                c.state = State::css_dq_str;
                return {c, i + 1};
            default:  // '\''
                c.state = State::css_sq_str;
                return {c, i + 1};
        }
        k = i + 1;
    }
}

Step t_css_str(Context c, std::string_view s) {
    std::string_view end_and_escape = "\\\"";
    if (c.state == State::css_sq_str || c.state == State::css_sq_url) end_and_escape = "\\'";
    if (c.state == State::css_url) end_and_escape = "\\\t\n\f\r )";
    for (std::size_t k = 0;;) {
        std::size_t i = s.find_first_of(end_and_escape, k);
        if (i == std::string_view::npos) {
            auto [after, read] = t_url(c, decode_css(s.substr(k)));
            return {after, k + read};
        }
        if (s[i] == '\\') {
            if (++i == s.size()) return fail("unfinished escape sequence in CSS string");
        } else {
            c.state = State::css;
            return {c, i + 1};
        }
        c = t_url(c, decode_css(s.substr(0, i + 1))).first;
        k = i + 1;
    }
}

Step transition(const Context& c, std::string_view s) {
    switch (c.state) {
        case State::text:
            return t_text(c, s);
        case State::tag:
            return t_tag(c, s);
        case State::attr_name:
            return t_attr_name(c, s);
        case State::after_name:
            return t_after_name(c, s);
        case State::before_value:
            return t_before_value(c, s);
        case State::html_comment:
            return t_html_comment(c, s);
        case State::rcdata:
            return t_special_tag_end(c, s);
        case State::url:
        case State::srcset:
            return t_url(c, s);
        case State::js:
            return t_js(c, s);
        case State::js_dq_str:
        case State::js_sq_str:
        case State::js_bq_str:
        case State::js_regexp:
            return t_js_delimited(c, s);
        case State::js_block_comment:
        case State::css_block_comment:
            return t_block_comment(c, s);
        case State::js_line_comment:
        case State::css_line_comment:
            return t_line_comment(c, s);
        case State::css:
            return t_css(c, s);
        case State::css_dq_str:
        case State::css_sq_str:
        case State::css_dq_url:
        case State::css_sq_url:
        case State::css_url:
            return t_css_str(c, s);
        default:
            return {c, s.size()};  // attr, error
    }
}

bool is_js_type(std::string_view mime) {
    std::string type = lower(mime.substr(0, mime.find(';')));
    auto first = type.find_first_not_of(kWhite);
    type = first == std::string::npos
               ? ""
               : type.substr(first, type.find_last_not_of(kWhite) - first + 1);
    static const char* const kTypes[] = {"application/ecmascript",
                                         "application/javascript",
                                         "application/json",
                                         "application/ld+json",
                                         "application/x-ecmascript",
                                         "application/x-javascript",
                                         "module",
                                         "text/ecmascript",
                                         "text/javascript",
                                         "text/javascript1.0",
                                         "text/javascript1.1",
                                         "text/javascript1.2",
                                         "text/javascript1.3",
                                         "text/javascript1.4",
                                         "text/javascript1.5",
                                         "text/jscript",
                                         "text/livescript",
                                         "text/x-ecmascript",
                                         "text/x-javascript"};
    return std::any_of(std::begin(kTypes), std::end(kTypes),
                       [&](const char* t) { return type == t; });
}

// escape.go's contextAfterText: the context after some of `s` and how much that was.
Step context_after_text(const Context& c, std::string_view s) {
    if (c.delim == Delim::none) {
        auto [after, i] = t_special_tag_end(c, s);
        if (i == 0) return {after, 0};  // a </script> right here
        auto step = transition(c, s.substr(0, i));
        if (step.second == std::string_view::npos) step.second = s.size();
        return step;
    }
    std::string_view ends = c.delim == Delim::double_quote   ? "\""
                            : c.delim == Delim::single_quote ? "'"
                                                             : " \t\n\f\r>";
    std::size_t i = std::min(s.find_first_of(ends), s.size());
    if (c.delim == Delim::space_or_tag_end) {
        std::size_t j = s.substr(0, i).find_first_of("\"'<=`");
        if (j != std::string_view::npos) {
            auto step = fail("\"" + std::string(1, s[j]) + "\" in unquoted attr: \"" +
                             std::string(s.substr(0, i)) + "\"");
            return {step.first, s.size()};
        }
    }
    if (i == s.size()) {
        // Inside the value: its entities decoded, so that JS and CSS rules see the characters.
        Context inside = c;
        std::string decoded = unescape_html(s);
        for (std::string_view u = decoded; !u.empty();) {
            auto [next, read] = transition(inside, u);
            inside = next;
            if (read == std::string_view::npos || inside.state == State::error) break;
            u.remove_prefix(read);
        }
        return {inside, s.size()};
    }
    Element element = c.element;
    if (c.state == State::attr && c.element == Element::script && c.attr == Attr::script_type &&
        !is_js_type(s.substr(0, i)))
        element = Element::none;
    if (c.delim != Delim::space_or_tag_end) ++i;  // the closing quote
    return {Context{.state = State::tag, .element = element}, i};
}

bool is_in_tag(State state) {
    return state == State::tag || state == State::attr_name || state == State::after_name ||
           state == State::before_value || state == State::attr;
}

}  // namespace

bool is_comment(State state) {
    return state == State::html_comment || state == State::js_block_comment ||
           state == State::js_line_comment || state == State::css_block_comment ||
           state == State::css_line_comment;
}

std::string escape_text(Context& c, std::string_view s) {
    std::string out;
    std::size_t written = 0;
    for (std::size_t i = 0; i != s.size();) {
        auto [next, read] = context_after_text(c, s.substr(i));
        std::size_t i1 = i + read;
        if (c.state == State::text || c.state == State::rcdata) {
            std::size_t end = i1;
            if (next.state != c.state) {
                for (std::size_t j = end; j-- > i;)
                    if (s[j] == '<') {
                        end = j;
                        break;
                    }
            }
            for (std::size_t j = i; j < end; ++j) {
                if (s[j] == '<' && lower(s.substr(j, 9)) != "<!doctype") {
                    out += s.substr(written, j - written);
                    out += "&lt;";
                    written = j + 1;
                }
            }
        } else if (is_comment(c.state) && c.delim == Delim::none) {
            if (c.state == State::js_block_comment) {
                std::string_view comment = s.substr(written, i1 - written);
                bool newline = comment.find_first_of("\n\r") != std::string_view::npos ||
                               comment.find("\xE2\x80\xA8") != std::string_view::npos ||
                               comment.find("\xE2\x80\xA9") != std::string_view::npos;
                out += newline ? '\n' : ' ';
            } else if (c.state == State::css_block_comment) {
                out += ' ';
            }
            written = i1;
        }
        if (next.state != c.state && is_comment(next.state) && next.delim == Delim::none) {
            std::size_t comment_start = i1 - (next.state == State::html_comment ? 4 : 2);
            out += s.substr(written, comment_start - written);
            written = i1;
        }
        if (i == i1 && c.state == next.state)
            throw std::logic_error("html/template: no progress escaping text");
        c = std::move(next);
        i = i1;
        if (c.state == State::error) return std::string(s);
    }
    if (written == 0) return std::string(s);
    if (!is_comment(c.state) || c.delim != Delim::none) out += s.substr(written);
    return out;
}

std::string strip_tags(std::string_view s) {
    std::string out;
    Context c;
    std::size_t i = 0;
    bool all_text = true;
    while (i != s.size()) {
        if (c.delim == Delim::none) {
            bool raw = c.element != Element::none && !is_in_tag(c.state);
            auto [next, read] =
                raw ? t_special_tag_end(c, s.substr(i)) : transition(c, s.substr(i));
            std::size_t i1 = read == std::string_view::npos ? s.size() : i + read;
            if (c.state == State::text || c.state == State::rcdata) {
                std::size_t j = i1;
                if (next.state != c.state) {
                    for (std::size_t k = j; k-- > i;)
                        if (s[k] == '<') {
                            j = k;
                            break;
                        }
                }
                out += s.substr(i, j - i);
            } else {
                all_text = false;
            }
            c = std::move(next);
            i = i1;
            continue;
        }
        std::string_view ends = c.delim == Delim::double_quote   ? "\""
                                : c.delim == Delim::single_quote ? "'"
                                                                 : " \t\n\f\r>";
        std::size_t i1 = s.find_first_of(ends, i);
        if (i1 == std::string_view::npos) break;
        if (c.delim != Delim::space_or_tag_end) ++i1;
        c = Context{.state = State::tag, .element = c.element};
        i = i1;
    }
    if (all_text) return std::string(s);
    if (c.state == State::text || c.state == State::rcdata) out += s.substr(i);
    return out;
}

Context nudge(Context c) {
    switch (c.state) {
        case State::tag:
            c.state = State::attr_name;
            break;
        case State::before_value:
            c.state = attr_start_state(c.attr);
            c.delim = Delim::space_or_tag_end;
            c.attr = Attr::none;
            break;
        case State::after_name:
            c.state = State::attr_name;
            c.attr = Attr::none;
            break;
        default:
            break;
    }
    return c;
}

ContentType attr_type(std::string name) {
    if (name.starts_with("data-")) {
        name = name.substr(5);
    } else if (auto colon = name.find(':'); colon != std::string::npos) {
        if (name.substr(0, colon) == "xmlns") return ContentType::url;
        name = name.substr(colon + 1);
    }
    static const std::map<std::string, ContentType, std::less<>> kTypes = [] {
        std::map<std::string, ContentType, std::less<>> m;
        for (const char* n : {"accept",
                              "alt",
                              "autocomplete",
                              "autofocus",
                              "autoplay",
                              "border",
                              "checked",
                              "class",
                              "cols",
                              "colspan",
                              "contenteditable",
                              "contextmenu",
                              "controls",
                              "coords",
                              "datetime",
                              "default",
                              "dir",
                              "dirname",
                              "disabled",
                              "draggable",
                              "dropzone",
                              "for",
                              "formtarget",
                              "headers",
                              "height",
                              "hidden",
                              "high",
                              "hreflang",
                              "id",
                              "ismap",
                              "kind",
                              "label",
                              "lang",
                              "list",
                              "loop",
                              "low",
                              "max",
                              "maxlength",
                              "media",
                              "mediagroup",
                              "min",
                              "multiple",
                              "name",
                              "open",
                              "optimum",
                              "placeholder",
                              "preload",
                              "pubdate",
                              "radiogroup",
                              "readonly",
                              "required",
                              "reversed",
                              "rows",
                              "rowspan",
                              "spellcheck",
                              "scope",
                              "scoped",
                              "seamless",
                              "selected",
                              "shape",
                              "size",
                              "sizes",
                              "span",
                              "srclang",
                              "start",
                              "step",
                              "tabindex",
                              "target",
                              "title",
                              "width",
                              "wrap"})
            m[n] = ContentType::plain;
        for (const char* n :
             {"accept-charset", "async",          "challenge",  "charset", "content",
              "crossorigin",    "defer",          "enctype",    "form",    "formenctype",
              "formmethod",     "formnovalidate", "http-equiv", "keytype", "language",
              "method",         "novalidate",     "pattern",    "rel",     "sandbox",
              "type",           "value"})
            m[n] = ContentType::unsafe;
        for (const char* n : {"action", "archive", "background", "cite", "classid", "codebase",
                              "data", "formaction", "href", "icon", "longdesc", "manifest",
                              "poster", "profile", "src", "usemap", "xmlns"})
            m[n] = ContentType::url;
        m["srcdoc"] = ContentType::html;
        m["srcset"] = ContentType::srcset;
        m["style"] = ContentType::css;
        return m;
    }();
    if (auto it = kTypes.find(name); it != kTypes.end()) return it->second;
    if (name.starts_with("on")) return ContentType::js;
    if (name.find("src") != std::string::npos || name.find("uri") != std::string::npos ||
        name.find("url") != std::string::npos)
        return ContentType::url;
    return ContentType::plain;
}

}  // namespace stackwatch::tmpl::html
