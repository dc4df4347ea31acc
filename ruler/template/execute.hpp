#pragma once
// Executes a parsed template as Go's text/template does, missingkey=zero.

#include <string>

#include "ruler/template/ast.hpp"

namespace stackwatch::tmpl {

// Runs `tree` with `data` as dot; {{template}} calls name trees of `trees`. Throws TemplateError
// with Go's message ("template: FILE:LINE:COL: executing \"NAME\" at <...>: ...").
std::string execute_tree(const Tree& tree, const TreeSet& trees, const FunctionMap& functions,
                         const Value& data, const FunctionContext& context);

}  // namespace stackwatch::tmpl
