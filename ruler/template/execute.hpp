#pragma once
// Executes a parsed template as Go's text/template does, missingkey=zero.

#include <stdexcept>
#include <string>

#include "ruler/template/ast.hpp"

namespace stackwatch::tmpl {

// Where execution writes, in order: text/template prints values as they are, html/template
// escapes them for the HTML context that the text written so far leaves them in.
class Output {
  public:
    virtual ~Output() = default;
    virtual void text(const std::string& text) = 0;
    // An action's value. With splits_escapers(), `escaper` is "html" or "urlquery" when the
    // action's pipeline ended with that function, which `value` has not been through: Go's
    // html/template merges it with the escapers it adds.
    virtual void value(const Value& value, const std::string& escaper) = 0;
    virtual bool splits_escapers() const { return false; }
    virtual std::string take() = 0;
    virtual std::size_t size() const = 0;
};

// text/template's output.
class PlainOutput : public Output {
  public:
    void text(const std::string& text) override { out_ += text; }
    void value(const Value& value, const std::string&) override { out_ += to_display(value); }
    std::string take() override { return std::move(out_); }
    std::size_t size() const override { return out_.size(); }

  private:
    std::string out_;
};

// An Output refuses an action (html/template's escaping errors); the executor adds where.
class EscapeError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Runs `tree` with `data` as dot into `output`; {{template}} calls name trees of `trees`.
// Throws TemplateError with Go's message ("template: FILE:LINE:COL: executing \"NAME\" at
// <...>: ...", "html/template:FILE:LINE:COL: ..." for an EscapeError).
std::string execute_tree(const Tree& tree, const TreeSet& trees, const FunctionMap& functions,
                         const Value& data, const FunctionContext& context, Output& output);
std::string execute_tree(const Tree& tree, const TreeSet& trees, const FunctionMap& functions,
                         const Value& data, const FunctionContext& context);

}  // namespace stackwatch::tmpl
