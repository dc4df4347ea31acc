#include "ruler/template/html_output.hpp"

#include <vector>

#include "ruler/template/functions.hpp"
#include "ruler/template/html_escapers.hpp"

namespace stackwatch::tmpl {
namespace {

using html::Escaper;
using html::State;

// escape.go's escapeAction: the escapers for an action in context `c`, which it may update.
std::vector<Escaper> escapers_for(html::Context& c) {
    std::vector<Escaper> chain;
    switch (c.state) {
        case State::url:
        case State::css_dq_str:
        case State::css_sq_str:
        case State::css_dq_url:
        case State::css_sq_url:
        case State::css_url: {
            bool css_string = c.state == State::css_dq_str || c.state == State::css_sq_str;
            switch (c.url_part) {
                case html::UrlPart::none:
                    chain.push_back(Escaper::url_filter);
                    [[fallthrough]];
                case html::UrlPart::pre_query:
                    chain.push_back(css_string ? Escaper::css : Escaper::url_normalizer);
                    break;
                case html::UrlPart::query_or_fragment:
                    chain.push_back(Escaper::url_escaper);
                    break;
                case html::UrlPart::unknown:
                    throw EscapeError("action appears in an ambiguous context within a URL");
            }
            break;
        }
        case State::js:
            chain.push_back(Escaper::js_value);
            c.js_ctx = html::JsCtx::div_op;  // a slash after a value divides
            break;
        case State::js_dq_str:
        case State::js_sq_str:
            chain.push_back(Escaper::js_string);
            break;
        case State::js_bq_str:
            throw EscapeError("action appears in a JS template literal");
        case State::js_regexp:
            chain.push_back(Escaper::js_regexp);
            break;
        case State::css:
            chain.push_back(Escaper::css_value_filter);
            break;
        case State::text:
            chain.push_back(Escaper::html);
            break;
        case State::rcdata:
            chain.push_back(Escaper::rcdata);
            break;
        case State::attr:
            break;
        case State::attr_name:
        case State::tag:
            c.state = State::attr_name;
            chain.push_back(Escaper::name_filter);
            break;
        case State::srcset:
            chain.push_back(Escaper::srcset);
            break;
        case State::error:
            throw EscapeError(c.error);
        default:  // comments
            chain.push_back(Escaper::comment);
    }
    if (c.delim == html::Delim::space_or_tag_end)
        chain.push_back(Escaper::nospace);
    else if (c.delim != html::Delim::none)
        chain.push_back(Escaper::attr);
    return chain;
}

}  // namespace

void HtmlOutput::text(const std::string& text) {
    out_ += html::escape_text(context_, text);
    if (context_.state == State::error) throw EscapeError(context_.error);
}

void HtmlOutput::value(const Value& value, const std::string& escaper) {
    context_ = html::nudge(context_);
    if (escaper == "html" && context_.state == State::attr &&
        context_.delim == html::Delim::space_or_tag_end)
        throw EscapeError("predefined escaper \"html\" disallowed in template");
    std::vector<Escaper> chain = escapers_for(context_);
    // Go's ensurePipelineContains: the predefined escaper replaces the ones it stands for, and
    // runs before the others when it stands for none.
    Value current = value;
    auto predefined = [&](const Value& v) {
        return builtin_functions().at(escaper)({v}, FunctionContext{});
    };
    bool merged = false;
    if (!escaper.empty()) {
        for (Escaper e : chain) merged = merged || html::equivalent(e, escaper);
        if (!merged) current = predefined(current);
    }
    for (Escaper e : chain) {
        if (!escaper.empty() && html::equivalent(e, escaper))
            current = predefined(current);
        else
            current = Value{html::escape(e, current)};
    }
    out_ += to_display(current);
}

}  // namespace stackwatch::tmpl
