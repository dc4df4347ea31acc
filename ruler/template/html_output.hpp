#pragma once
// html/template's output: Go escapes a template before running it, choosing for each action the
// escapers of the HTML context the literal text before it leads to. We track that context while
// the text is written instead, which gives Go's output for every template Go accepts, since Go
// requires both branches of an {{if}}, every {{range}} pass and every {{template}} call to end in
// the context they start in.
//
// How far this follows Go 1.19's html/template: the context machine (text, tags, attributes,
// URLs and their query part, srcset, RCDATA, JS strings, regexps and comments, CSS strings, URLs
// and comments) and every escaper are ported; comments are dropped and a stray '<' in text is
// written as "&lt;"; HTML from safeHtml is trusted in text and stripped of tags in attributes;
// a trailing `html` or `urlquery` merges with the escaper it stands for. What differs: Go rejects
// a template whose branches end in different contexts, or that ends inside a tag, before running
// it, and names the offending action; here such a template runs with the context its executed
// branches leave, an escaping error is reported at the action or text that met it, and an
// ambiguous URL or a JS template literal is reported without the action's text. html/template's
// other trusted types (CSS, JS, URL, ...) do not exist in Alertmanager's templates.

#include "ruler/template/execute.hpp"
#include "ruler/template/html_context.hpp"

namespace stackwatch::tmpl {

class HtmlOutput : public Output {
  public:
    void text(const std::string& text) override;
    void value(const Value& value, const std::string& escaper) override;
    bool splits_escapers() const override { return true; }
    std::string take() override { return std::move(out_); }
    std::size_t size() const override { return out_.size(); }

  private:
    html::Context context_;
    std::string out_;
};

}  // namespace stackwatch::tmpl
