#pragma once
// The escaping functions Go's html/template puts at the end of an action's pipeline, one for each
// context (htmlEscaper, attrEscaper, urlFilter, jsValEscaper, cssValueFilter, ...), ported from
// Go 1.19's html/template.

#include <string>

#include "ruler/template/value.hpp"

namespace stackwatch::tmpl::html {

enum class Escaper {
    html,             // _html_template_htmlescaper
    rcdata,           // _html_template_rcdataescaper
    attr,             // _html_template_attrescaper
    nospace,          // _html_template_nospaceescaper
    name_filter,      // _html_template_htmlnamefilter
    comment,          // _html_template_commentescaper
    url_filter,       // _html_template_urlfilter
    url_normalizer,   // _html_template_urlnormalizer
    url_escaper,      // _html_template_urlescaper
    srcset,           // _html_template_srcsetescaper
    js_value,         // _html_template_jsvalescaper
    js_string,        // _html_template_jsstrescaper
    js_regexp,        // _html_template_jsregexpescaper
    css,              // _html_template_cssescaper
    css_value_filter  // _html_template_cssvaluefilter
};

// One escaper applied to `value`: HTML (from safeHtml) is trusted where html/template trusts
// it; nil prints as nothing.
std::string escape(Escaper escaper, const Value& value);

// Go's escFnsEq with a predefined escaper: `html` stands for the HTML escapers, `urlquery` for
// the URL escaper and normalizer.
bool equivalent(Escaper escaper, const std::string& predefined);

}  // namespace stackwatch::tmpl::html
