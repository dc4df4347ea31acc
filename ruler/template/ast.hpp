#pragma once
// The parse tree of a Go text/template. Positions are byte offsets into the whole text the tree
// was parsed from, for Go-identical error locations.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ruler/template/functions.hpp"

namespace stackwatch::tmpl {

struct Pipeline;

// One operand of a command: `.A.B`, `$x.A`, `.`, a function name, a literal or `( pipeline )`.
struct Operand {
    enum class Kind { dot, field, variable, identifier, string, number, boolean, nil, pipeline };
    Kind kind = Kind::nil;
    int pos = 0;
    std::string text;                 // source text, for error context
    std::string name;                 // variable or function name, string literal value
    std::vector<std::string> fields;  // field chain applied after the term
    std::vector<int> field_positions;
    bool is_int = false;  // number constants: Go types them int or float64
    std::int64_t int_value = 0;
    double float_value = 0;
    bool bool_value = false;
    std::shared_ptr<Pipeline> pipe;
};

// Where Go reports an error evaluating the operand: at the field chain that follows its term.
int error_position(const Operand& op);

struct Command {
    int pos = 0;
    std::string text;
    std::vector<Operand> args;
};

struct Pipeline {
    int pos = 0;
    std::string text;
    std::vector<std::string> decl;  // variables declared (:=) or assigned (=)
    bool is_assign = false;
    std::vector<Command> commands;
};

struct Node;
using NodeList = std::vector<Node>;

struct Node {
    enum class Kind { text, action, if_, range, with, template_, break_, continue_ };
    Kind kind = Kind::text;
    int pos = 0;
    std::string text;
    std::string name;  // template_: the template called
    Pipeline pipe;     // template_: no commands when the call has no pipeline
    NodeList list;
    NodeList else_list;
};

// One named template: the top level of a text, or a {{define}} or {{block}} in it.
struct Tree {
    std::string name;
    std::string parse_name;                   // the text's name, where errors point
    std::shared_ptr<const std::string> text;  // the whole text, shared by its trees
    NodeList root;
};
using TreeSet = std::map<std::string, std::shared_ptr<const Tree>>;

// Go's parse.IsEmptyTree: nothing but white space, which a redefinition may replace.
bool is_empty_tree(const NodeList& nodes);

// Parses `text` named `name` into its top-level tree (under `name`) and the trees it defines; a
// command may call `functions`, `and` and `or`. Throws TemplateError with Go's message
// ("template: NAME:LINE: ...").
TreeSet parse_template(const std::string& text, const std::string& name,
                       const FunctionMap& functions);

}  // namespace stackwatch::tmpl
