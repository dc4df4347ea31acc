#pragma once
// Go html/template's model of where in an HTML document the output is: its context type and the
// transitions that literal template text makes, ported from Go 1.19's html/template
// (context.go, transition.go and escapeText), which Alertmanager 0.25 is built with.

#include <string>
#include <string_view>

namespace stackwatch::tmpl::html {

enum class State {
    text,
    tag,
    attr_name,
    after_name,
    before_value,
    html_comment,
    rcdata,  // <title>, <textarea>
    attr,
    url,
    srcset,
    js,
    js_dq_str,
    js_sq_str,
    js_bq_str,
    js_regexp,
    js_block_comment,
    js_line_comment,
    css,
    css_dq_str,
    css_sq_str,
    css_dq_url,
    css_sq_url,
    css_url,
    css_block_comment,
    css_line_comment,
    error
};
enum class Delim { none, double_quote, single_quote, space_or_tag_end };
enum class UrlPart { none, pre_query, query_or_fragment, unknown };
enum class JsCtx { regexp, div_op, unknown };
enum class Attr { none, script, script_type, style, url, srcset };
enum class Element { none, script, style, textarea, title };

struct Context {
    State state = State::text;
    Delim delim = Delim::none;
    UrlPart url_part = UrlPart::none;
    JsCtx js_ctx = JsCtx::regexp;
    Attr attr = Attr::none;
    Element element = Element::none;
    std::string error;  // why state is State::error
};

bool is_comment(State state);

// Advances `c` over one text node and returns the text as html/template writes it: comments
// dropped (/* */ in JS and CSS as one space or newline), a '<' that starts no tag as "&lt;".
std::string escape_text(Context& c, std::string_view text);

// html.go's stripTags: the text of `html` without its tags, for HTML put in an attribute.
std::string strip_tags(std::string_view html);
// css.go's decodeCSS: CSS escapes (\41, \") decoded.
std::string decode_css(std::string_view s);

// Go's nudge: where an action right after `<a ` or `<a href=` puts its output.
Context nudge(Context c);

// What an attribute's value holds, by its name, as Go's attrType.
enum class ContentType { plain, css, html, html_attr, js, js_str, url, srcset, unsafe };
ContentType attr_type(std::string name);

}  // namespace stackwatch::tmpl::html
