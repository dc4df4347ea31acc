#include "ruler/template/template.hpp"

#include "ruler/template/html_output.hpp"

namespace stackwatch::tmpl {

TemplateSet::TemplateSet(const FunctionMap& functions) : functions_(&functions) {}

void TemplateSet::add(const std::string& name, const std::string& text) {
    merge(parse_template(text, name, *functions_));
}

void TemplateSet::merge(TreeSet parsed) {
    for (auto& [tree_name, tree] : parsed) {
        auto& slot = trees_[tree_name];
        if (!slot || !is_empty_tree(tree->root)) slot = std::move(tree);
    }
}

bool TemplateSet::has(const std::string& name) const {
    return trees_.contains(name);
}

std::string TemplateSet::execute(const std::string& name, const Value& data,
                                 const FunctionContext& context) const {
    auto it = trees_.find(name);
    // The set plays Go's unnamed root template, as Alertmanager's does.
    if (it == trees_.end())
        throw TemplateError("template: no template " + go_quote(name) +
                            " associated with template \"\"");
    return execute_tree(*it->second, trees_, *functions_, data, context);
}

std::string TemplateSet::execute_text(const std::string& text, const Value& data,
                                      const FunctionContext& context) const {
    PlainOutput output;
    return run_text(text, data, context, output);
}

std::string TemplateSet::execute_html_text(const std::string& text, const Value& data,
                                           const FunctionContext& context) const {
    HtmlOutput output;
    return run_text(text, data, context, output);
}

std::string TemplateSet::run_text(const std::string& text, const Value& data,
                                  const FunctionContext& context, Output& output) const {
    TreeSet parsed = parse_template(text, "", *functions_);
    // Go executes the text's own tree even when it is blank and so does not replace the set's
    // template "" (the top level of a text parsed under that name, such as Alertmanager's
    // default.tmpl).
    std::shared_ptr<const Tree> own = parsed.at("");
    TemplateSet scratch = *this;
    scratch.merge(std::move(parsed));
    return execute_tree(*own, scratch.trees_, *functions_, data, context, output);
}

std::string expand_template(const std::string& name, const std::string& text, const Value& data,
                            const FunctionContext& context) {
    TemplateSet set;
    try {
        set.add(name, text);
    } catch (const TemplateError& e) {
        throw TemplateError("error parsing template " + name + ": " + e.what());
    }
    try {
        return set.execute(name, data, context);
    } catch (const TemplateError& e) {
        throw TemplateError("error executing template " + name + ": " + e.what());
    }
}

}  // namespace stackwatch::tmpl
