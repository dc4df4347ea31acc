#pragma once
// Alertmanager's notification templates: the `templates` globs of its configuration parsed into
// one set of named templates, as template.FromGlobs does, for receivers to execute.

#include <string>
#include <vector>

#include "ruler/template/template.hpp"

namespace stackwatch::notify {

// What Alertmanager 0.25's templates may call: Go's builtins and toUpper, toLower, title, join,
// match, safeHtml, reReplaceAll and stringSlice. title (cases.Title), join and stringSlice (which
// need []string values) parse but fail when called, for now.
const tmpl::FunctionMap& alertmanager_functions();

// Expands each glob (one matching nothing is fine) and parses every file into the set as the
// template named by its base name. Throws std::runtime_error with Go's message: "syntax error in
// pattern", "open PATH: ...", or the parse error ("template: t.tmpl:2: unexpected EOF").
// Alertmanager's own default.tmpl is not loaded yet.
tmpl::TemplateSet load_templates(const std::vector<std::string>& globs);

}  // namespace stackwatch::notify
