#pragma once
// The parse tree of a Go text/template, reduced to the constructs rule templates use.
// Positions are byte offsets into the whole template text, for Go-identical error locations.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace stackwatch::rules::tmpl {

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
    enum class Kind { text, action, if_, range, with };
    Kind kind = Kind::text;
    int pos = 0;
    std::string text;
    Pipeline pipe;
    NodeList list;
    NodeList else_list;
};

// Go's own message ("template: NAME:LINE: ..."), wrapped by the caller as Prometheus does.
class TemplateParseError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Parses `text` named `name`; `functions` are the names a command may call.
NodeList parse_template(const std::string& text, const std::string& name,
                        const std::vector<std::string>& functions);

}  // namespace stackwatch::rules::tmpl
