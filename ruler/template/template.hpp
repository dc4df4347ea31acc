#pragma once
// Go text/template expansion: Prometheus's rule templates and Alertmanager's notification
// templates share this engine.

#include <stdexcept>
#include <string>

#include "ruler/template/ast.hpp"
#include "ruler/template/execute.hpp"
#include "ruler/template/functions.hpp"
#include "ruler/template/value.hpp"

namespace stackwatch::tmpl {

// Go's message: "template: NAME:LINE: ..." from parsing, "template: NAME:LINE:COL: executing
// ..." from executing; expand_template adds Prometheus's "error parsing template NAME: " first.
class TemplateError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Named templates that can call one another, as a Go *template.Template with its associated
// templates. Copies share the parsed trees.
class TemplateSet {
  public:
    // `functions` must outlive the set; the tables of functions.hpp are static.
    explicit TemplateSet(const FunctionMap& functions = prometheus_functions());

    // Parses `text` as the template `name` plus those it defines with {{define}} and {{block}}, as
    // Go's Template.New(name).Parse(text): a definition replaces one from an earlier text unless
    // it is empty. Throws TemplateError, leaving the set unchanged.
    void add(const std::string& name, const std::string& text);
    bool has(const std::string& name) const;

    // Executes the template `name` with `data` as dot. Throws TemplateError.
    std::string execute(const std::string& name, const Value& data,
                        const FunctionContext& context) const;
    // Executes `text`, which may call (or define) templates of the set, as Alertmanager's
    // ExecuteTextString does: parsed as the template "" of a copy of the set.
    std::string execute_text(const std::string& text, const Value& data,
                             const FunctionContext& context) const;
    // The same as html/template, as Alertmanager's ExecuteHTMLString: what actions print is
    // escaped for where it lands in the HTML (html_output.hpp says how far this follows Go), and
    // HTML comments in the templates' text are dropped.
    std::string execute_html_text(const std::string& text, const Value& data,
                                  const FunctionContext& context) const;

  private:
    const FunctionMap* functions_;
    TreeSet trees_;

    void merge(TreeSet parsed);
    std::string run_text(const std::string& text, const Value& data, const FunctionContext& context,
                         Output& output) const;
};

// Expands `text` (named `name` in messages) with `data` as dot and Prometheus's functions, as
// Prometheus's template.Expander. Throws TemplateError.
std::string expand_template(const std::string& name, const std::string& text, const Value& data,
                            const FunctionContext& context);

}  // namespace stackwatch::tmpl
