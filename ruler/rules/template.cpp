#include "ruler/rules/template.hpp"

#include <algorithm>

#include "ruler/rules/template_ast.hpp"

namespace stackwatch::rules {
namespace {

using namespace tmpl;

// Prometheus prepends these so rule authors can write $labels instead of .Labels; error
// positions count them, which is why they are kept textually identical.
constexpr const char* kAlertDefinitions =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
    "{{$externalURL := .ExternalURL}}{{$value := .Value}}";

constexpr const char* kAlertDataType =
    "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; "
    "Value float64 }";

class ExecError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class Executor {
  public:
    Executor(const std::string& name, const std::string& text, const FunctionContext& context,
             Value root)
        : name_(name), text_(text), context_(context) {
        vars_.emplace_back("$", std::move(root));
    }

    std::string run(const NodeList& nodes) {
        Value root = vars_.front().second;  // a copy: declaring variables may reallocate vars_
        walk(nodes, root);
        return std::move(out_);
    }

  private:
    const std::string& name_;
    const std::string& text_;
    const FunctionContext& context_;
    std::vector<std::pair<std::string, Value>> vars_;
    std::string out_;

    [[noreturn]] void fail(int pos, const std::string& context, const std::string& message) const {
        auto prefix = std::string_view(text_).substr(0, static_cast<std::size_t>(pos));
        int line = 1 + static_cast<int>(std::count(prefix.begin(), prefix.end(), '\n'));
        auto newline = prefix.rfind('\n');
        auto column =
            newline == std::string_view::npos ? prefix.size() : prefix.size() - newline - 1;
        throw ExecError("template: " + name_ + ":" + std::to_string(line) + ":" +
                        std::to_string(column) + ": executing \"" + name_ + "\" at <" + context +
                        ">: " + message);
    }

    void walk(const NodeList& nodes, const Value& dot) {
        for (const auto& node : nodes) {
            switch (node.kind) {
                case Node::Kind::text:
                    out_ += node.text;
                    break;
                case Node::Kind::action: {
                    Value v = eval_pipeline(node.pipe, dot);
                    if (node.pipe.decl.empty()) out_ += to_display(v);
                    break;
                }
                case Node::Kind::if_:
                case Node::Kind::with: {
                    std::size_t mark = vars_.size();
                    Value v = eval_pipeline(node.pipe, dot);
                    if (is_true(v))
                        walk(node.list, node.kind == Node::Kind::with ? v : dot);
                    else
                        walk(node.else_list, dot);
                    vars_.resize(mark);
                    break;
                }
                case Node::Kind::range:
                    walk_range(node, dot);
                    break;
            }
        }
    }

    void walk_range(const Node& node, const Value& dot) {
        std::size_t mark = vars_.size();
        Pipeline pipe = node.pipe;
        std::vector<std::string> names = pipe.decl;
        pipe.decl.clear();
        Value collection = eval_pipeline(pipe, dot);
        auto iterate = [&](const Value& key, const Value& element) {
            vars_.resize(mark);
            if (names.size() == 1) vars_.emplace_back(names[0], element);
            if (names.size() == 2) {
                vars_.emplace_back(names[0], key);
                vars_.emplace_back(names[1], element);
            }
            walk(node.list, element);
        };
        bool empty = true;
        if (const auto* m = collection.get<StringMap>()) {
            for (const auto& [k, v] : *m) iterate(Value{k}, Value{v});
            empty = m->empty();
        } else if (const auto* r = collection.get<QueryResult>()) {
            for (std::size_t i = 0; i < r->size(); ++i)
                iterate(Value{static_cast<std::int64_t>(i)}, Value{(*r)[i]});
            empty = r->empty();
        } else if (!collection.is_nil()) {
            fail(node.pipe.pos, node.pipe.text,
                 "range can't iterate over " + to_display(collection));
        }
        vars_.resize(mark);
        if (empty) walk(node.else_list, dot);
    }

    Value eval_pipeline(const Pipeline& pipe, const Value& dot) {
        Value value;
        bool has_final = false;
        for (const auto& cmd : pipe.commands) {
            value = eval_command(cmd, dot, has_final ? &value : nullptr);
            has_final = true;
        }
        for (const auto& name : pipe.decl) {
            if (pipe.is_assign) {
                for (auto it = vars_.rbegin(); it != vars_.rend(); ++it)
                    if (it->first == name) {
                        it->second = value;
                        break;
                    }
            } else {
                vars_.emplace_back(name, value);
            }
        }
        return value;
    }

    Value eval_command(const Command& cmd, const Value& dot, const Value* final) {
        const Operand& head = cmd.args.front();
        if (head.kind == Operand::Kind::identifier) return call(cmd, dot, final);
        if (head.kind == Operand::Kind::nil) fail(head.pos, head.text, "nil is not a command");
        if (cmd.args.size() > 1 || final != nullptr)
            fail(head.pos, head.text, "can't give argument to non-function " + head.text);
        return eval_operand(head, dot);
    }

    Value call(const Command& cmd, const Value& dot, const Value* final) {
        const std::string& name = cmd.args.front().name;
        if (name == "and" || name == "or") return call_logical(cmd, dot, final, name == "and");
        std::vector<Value> args;
        for (std::size_t i = 1; i < cmd.args.size(); ++i)
            args.push_back(eval_operand(cmd.args[i], dot));
        if (final != nullptr) args.push_back(*final);
        const auto& fn = template_functions().at(name);
        try {
            return fn(args, context_);
        } catch (const ArgumentError& e) {
            fail_argument(cmd, e);
        } catch (const CallError& e) {
            fail(cmd.pos, cmd.text, "error calling " + name + ": " + e.what());
        }
    }

    [[noreturn]] void fail_argument(const Command& cmd, const ArgumentError& e) const {
        const Operand& function = cmd.args.front();
        auto index = static_cast<std::size_t>(e.index() + 1);
        if (e.index() < 0) fail(function.pos, function.name, e.what());
        if (index >= cmd.args.size()) fail(cmd.pos, cmd.text, e.what());  // the piped-in value
        const Operand& arg = cmd.args[index];
        bool constant = arg.kind == Operand::Kind::number || arg.kind == Operand::Kind::string ||
                        arg.kind == Operand::Kind::boolean || arg.kind == Operand::Kind::nil;
        if (constant) fail(arg.pos, arg.text, "expected " + e.expected() + "; found " + arg.text);
        fail(error_position(arg), arg.text, e.what());
    }

    // Go evaluates `and`/`or` arguments only until the result is known.
    Value call_logical(const Command& cmd, const Value& dot, const Value* final, bool is_and) {
        std::size_t count = cmd.args.size() - 1 + (final != nullptr ? 1 : 0);
        if (count == 0)
            fail(cmd.pos, cmd.text,
                 std::string("wrong number of args for ") + (is_and ? "and" : "or") +
                     ": want at least 1 got 0");
        Value v;
        for (std::size_t i = 0; i < count; ++i) {
            v = i + 1 < cmd.args.size() ? eval_operand(cmd.args[i + 1], dot) : *final;
            if (is_true(v) != is_and) return v;
        }
        return v;
    }

    Value eval_operand(const Operand& op, const Value& dot) {
        Value base;
        switch (op.kind) {
            case Operand::Kind::dot:
            case Operand::Kind::field:
                base = dot;
                break;
            case Operand::Kind::variable:
                base = lookup(op);
                break;
            case Operand::Kind::string:
                return Value{op.name};
            case Operand::Kind::number:
                return op.is_int ? Value{op.int_value} : Value{op.float_value};
            case Operand::Kind::boolean:
                return Value{op.bool_value};
            case Operand::Kind::nil:
                return Value{};
            case Operand::Kind::pipeline:
                base = eval_pipeline(*op.pipe, dot);
                break;
            case Operand::Kind::identifier: {
                Command inner{.pos = op.pos, .text = op.text, .args = {op}};
                base = call(inner, dot, nullptr);
                break;
            }
        }
        for (const auto& field : op.fields) base = field_of(base, field, op);
        return base;
    }

    Value lookup(const Operand& op) const {
        for (auto it = vars_.rbegin(); it != vars_.rend(); ++it)
            if (it->first == op.name) return it->second;
        fail(op.pos, op.text, "undefined variable: " + op.name);
    }

    Value field_of(const Value& base, const std::string& field, const Operand& op) const {
        if (const auto* m = base.get<StringMap>()) {
            // missingkey=zero: an absent label reads as "".
            auto it = m->find(field);
            return Value{it == m->end() ? std::string() : it->second};
        }
        if (const auto* s = base.get<std::shared_ptr<const Struct>>()) {
            for (const auto& [name, value] : (*s)->fields)
                if (name == field) return value;
        }
        if (const auto* sample = base.get<QuerySample>()) {
            if (field == "Labels") return Value{sample->labels};
            if (field == "Value") return Value{sample->value};
        }
        if (base.is_nil())
            fail(error_position(op), op.text, "nil pointer evaluating interface {}." + field);
        fail(error_position(op), op.text,
             "can't evaluate field " + field + " in type " + type_name(base));
    }
};

Value alert_data_value(const AlertTemplateData& data) {
    auto s = std::make_shared<Struct>();
    s->type_name = kAlertDataType;
    s->fields = {{"Labels", Value{data.labels}},
                 {"ExternalLabels", Value{data.external_labels}},
                 {"ExternalURL", Value{data.external_url}},
                 {"Value", Value{data.value}}};
    return Value{std::shared_ptr<const Struct>(std::move(s))};
}

}  // namespace

std::string expand_template(const std::string& name, const std::string& text, const Value& data,
                            const FunctionContext& context) {
    NodeList nodes;
    try {
        nodes = parse_template(text, name, template_function_names());
    } catch (const TemplateParseError& e) {
        throw TemplateError("error parsing template " + name + ": " + e.what());
    }
    try {
        return Executor(name, text, context, data).run(nodes);
    } catch (const ExecError& e) {
        throw TemplateError("error executing template " + name + ": " + e.what());
    }
}

void check_alert_template(const std::string& alert_name, const std::string& text) {
    try {
        parse_template(kAlertDefinitions + text, "__alert_" + alert_name,
                       template_function_names());
    } catch (const TemplateParseError& e) {
        throw TemplateError(e.what());
    }
}

std::string expand_alert_template(const std::string& alert_name, const std::string& text,
                                  const AlertTemplateData& data, const QueryFunc& query) {
    FunctionContext context{.query = query, .external_url = data.external_url};
    try {
        return expand_template("__alert_" + alert_name, kAlertDefinitions + text,
                               alert_data_value(data), context);
    } catch (const TemplateError& e) {
        return std::string("<error expanding template: ") + e.what() + ">";
    }
}

}  // namespace stackwatch::rules
