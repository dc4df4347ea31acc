#include "ruler/template/execute.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "ruler/template/template.hpp"

namespace stackwatch::tmpl {
namespace {

// Go allows 100000 nested template calls. A call inside an {{if}} and a {{with}} takes 1-2 KiB of
// our stack, 10-20 KiB under AddressSanitizer: 100 keeps a runaway recursion well inside the
// 8 MiB every thread has.
constexpr int kMaxTemplateDepth = 100;

// {{break}} and {{continue}} unwind to their range, as Go's executor panics to it.
struct BreakSignal {};
struct ContinueSignal {};

// Go's String() of a pipeline, which error contexts show: operands as written, one space apart.
std::string pipeline_string(const Pipeline& pipe) {
    std::string out;
    for (std::size_t i = 0; i < pipe.decl.size(); ++i) out += (i > 0 ? ", " : "") + pipe.decl[i];
    if (!pipe.decl.empty()) out += " := ";
    for (std::size_t c = 0; c < pipe.commands.size(); ++c) {
        if (c > 0) out += " | ";
        const auto& args = pipe.commands[c].args;
        for (std::size_t a = 0; a < args.size(); ++a) {
            if (a > 0) out += ' ';
            if (args[a].kind != Operand::Kind::pipeline) {
                out += args[a].text;
                continue;
            }
            out += "(" + pipeline_string(*args[a].pipe) + ")";
            for (const auto& field : args[a].fields) out += "." + field;
        }
    }
    return out;
}

std::string call_string(const Node& call) {
    std::string pipe = call.pipe.commands.empty() ? "" : " " + pipeline_string(call.pipe);
    return "{{template " + go_quote(call.name) + pipe + "}}";
}

class Executor {
  public:
    Executor(const TreeSet& trees, const FunctionMap& functions, const FunctionContext& context,
             Output& output)
        : trees_(trees), functions_(functions), context_(context), output_(output) {}

    std::string run(const Tree& tree, const Value& dot) {
        current_ = &tree;
        vars_.emplace_back("$", dot);
        walk(tree.root, dot);
        return output_.take();
    }

  private:
    const TreeSet& trees_;
    const FunctionMap& functions_;
    const FunctionContext& context_;
    const Tree* current_ = nullptr;  // the template executing, which errors name
    int depth_ = 0;                  // nested {{template}} calls
    Output& output_;
    std::vector<std::pair<std::string, Value>> vars_;

    // Go's "FILE:LINE:COL" of a position in the executing template's text.
    std::string location(int pos) const {
        auto prefix = std::string_view(*current_->text).substr(0, static_cast<std::size_t>(pos));
        int line = 1 + static_cast<int>(std::count(prefix.begin(), prefix.end(), '\n'));
        auto newline = prefix.rfind('\n');
        auto column =
            newline == std::string_view::npos ? prefix.size() : prefix.size() - newline - 1;
        return current_->parse_name + ":" + std::to_string(line) + ":" + std::to_string(column);
    }

    [[noreturn]] void fail(int pos, const std::string& context, const std::string& message) const {
        throw TemplateError("template: " + location(pos) + ": executing " +
                            go_quote(current_->name) + " at <" + context + ">: " + message);
    }

    void walk(const NodeList& nodes, const Value& dot) {
        for (const auto& node : nodes) {
            switch (node.kind) {
                case Node::Kind::text:
                    escaping(node.pos, [&] { output_.text(node.text); });
                    break;
                case Node::Kind::action:
                    walk_action(node, dot);
                    break;
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
                case Node::Kind::template_:
                    walk_template(node, dot);
                    break;
                case Node::Kind::break_:
                    throw BreakSignal{};
                case Node::Kind::continue_:
                    throw ContinueSignal{};
            }
        }
    }

    [[noreturn]] void fail_escaping(int pos, const std::string& message) const {
        throw TemplateError("html/template:" + location(pos) + ": " + message);
    }

    template <typename F>
    void escaping(int pos, F write) {
        try {
            write();
        } catch (const EscapeError& e) {
            fail_escaping(pos, e.what());
        }
        if (output_.size() > context_.max_output_bytes)
            throw TemplateError("template: " + location(pos) + ": executing " +
                                go_quote(current_->name) + ": output larger than " +
                                std::to_string(context_.max_output_bytes) + " bytes");
    }

    void walk_action(const Node& node, const Value& dot) {
        if (!node.pipe.decl.empty()) {
            eval_pipeline(node.pipe, dot);  // an assignment prints nothing
            return;
        }
        std::string escaper = output_.splits_escapers() ? trailing_escaper(node) : "";
        if (escaper.empty()) {
            Value v = eval_pipeline(node.pipe, dot);
            escaping(node.pipe.pos, [&] { output_.value(v, ""); });
            return;
        }
        Value before = eval_before_escaper(node.pipe, dot);
        escaping(node.pipe.pos, [&] { output_.value(before, escaper); });
    }

    // html/template's predefined escapers, html and urlquery, may only end a pipeline.
    std::string trailing_escaper(const Node& node) const {
        const auto& commands = node.pipe.commands;
        for (std::size_t i = 0; i < commands.size(); ++i) {
            const Operand& head = commands[i].args.front();
            bool predefined = head.kind == Operand::Kind::identifier &&
                              (head.name == "html" || head.name == "urlquery");
            if (!predefined) continue;
            if (i + 1 < commands.size())
                fail_escaping(node.pipe.pos, "predefined escaper " + go_quote(head.name) +
                                                 " disallowed in template");
            // `{{ urlquery }}` alone has nothing to merge.
            if (commands.size() > 1 || commands[i].args.size() > 1) return head.name;
        }
        return "";
    }

    // The value a trailing predefined escaper would get: the commands before it, or, for
    // `{{ urlquery a b }}`, its arguments printed as html/template's _eval_args_ does.
    Value eval_before_escaper(const Pipeline& pipe, const Value& dot) {
        if (pipe.commands.size() > 1) {
            Pipeline before = pipe;
            before.commands.pop_back();
            return eval_pipeline(before, dot);
        }
        const Command& only = pipe.commands.front();
        std::vector<Value> args;
        for (std::size_t i = 1; i < only.args.size(); ++i)
            args.push_back(eval_operand(only.args[i], dot));
        return functions_.at("print")(args, context_);
    }

    void walk_template(const Node& call, const Value& dot) {
        auto it = trees_.find(call.name);
        if (it == trees_.end())
            fail(call.pos, call_string(call), "template " + go_quote(call.name) + " not defined");
        if (depth_ == kMaxTemplateDepth)
            fail(call.pos, call_string(call),
                 "exceeded maximum template depth (" + std::to_string(kMaxTemplateDepth) + ")");
        // Variables the pipeline declares stay in the caller's scope; the template called sees
        // only $, its dot (nil without a pipeline).
        Value inner_dot = call.pipe.commands.empty() ? Value{} : eval_pipeline(call.pipe, dot);
        auto caller_vars = std::exchange(vars_, {{"$", inner_dot}});
        const Tree* caller = std::exchange(current_, it->second.get());
        ++depth_;
        walk(current_->root, inner_dot);
        --depth_;
        current_ = caller;
        vars_ = std::move(caller_vars);
    }

    void walk_range(const Node& node, const Value& dot) {
        std::size_t mark = vars_.size();
        Pipeline pipe = node.pipe;
        std::vector<std::string> names = pipe.decl;
        pipe.decl.clear();
        Value collection = eval_pipeline(pipe, dot);
        // False once the body breaks.
        auto iterate = [&](const Value& key, const Value& element) {
            vars_.resize(mark);
            if (names.size() == 1) vars_.emplace_back(names[0], element);
            if (names.size() == 2) {
                vars_.emplace_back(names[0], key);
                vars_.emplace_back(names[1], element);
            }
            try {
                walk(node.list, element);
            } catch (const ContinueSignal&) {
            } catch (const BreakSignal&) {
                return false;
            }
            return true;
        };
        bool empty = true;
        if (const auto* m = string_map(collection)) {
            empty = m->empty();
            for (const auto& [k, v] : *m)
                if (!iterate(Value{k}, Value{v})) break;
        } else if (const auto* items = list_items(collection)) {
            empty = items->empty();
            for (std::size_t i = 0; i < items->size(); ++i)
                if (!iterate(Value{static_cast<std::int64_t>(i)}, (*items)[i])) break;
        } else if (const auto* r = collection.get<QueryResult>()) {
            empty = r->empty();
            for (std::size_t i = 0; i < r->size(); ++i)
                if (!iterate(Value{static_cast<std::int64_t>(i)}, Value{(*r)[i]})) break;
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

    // The arguments of a command headed by a field chain go to its last field, a method.
    Value eval_command(const Command& cmd, const Value& dot, const Value* final) {
        const Operand& head = cmd.args.front();
        switch (head.kind) {
            case Operand::Kind::identifier:
                if (head.fields.empty()) return call(cmd, dot, final);
                return eval_chain(call_bare(head, dot), head, dot, &cmd, final);
            case Operand::Kind::field:
                return eval_chain(dot, head, dot, &cmd, final);
            case Operand::Kind::variable:
                if (!head.fields.empty()) return eval_chain(lookup(head), head, dot, &cmd, final);
                break;
            case Operand::Kind::pipeline:
                if (!head.fields.empty())
                    return eval_chain(eval_pipeline(*head.pipe, dot), head, dot, &cmd, final);
                break;
            case Operand::Kind::nil:
                fail(head.pos, head.text, "nil is not a command");
            default:
                break;
        }
        if (cmd.args.size() > 1 || final != nullptr)
            fail(head.pos, head.text, "can't give argument to non-function " + head.text);
        return eval_operand(head, dot);
    }

    Value call_bare(const Operand& function, const Value& dot) {
        Operand bare = function;
        bare.fields.clear();
        Command inner{.pos = function.pos, .text = function.text, .args = {bare}};
        return call(inner, dot, nullptr);
    }

    Value call(const Command& cmd, const Value& dot, const Value* final) {
        const std::string& name = cmd.args.front().name;
        if (name == "and" || name == "or") return call_logical(cmd, dot, final, name == "and");
        std::vector<Value> args;
        for (std::size_t i = 1; i < cmd.args.size(); ++i)
            args.push_back(eval_operand(cmd.args[i], dot));
        if (final != nullptr) args.push_back(*final);
        const auto& fn = functions_.at(name);
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
        if (index >= cmd.args.size()) {
            // The piped-in value: Go reports it where it last was, at the last argument, else
            // at the function or method.
            const Operand& last = cmd.args.back();
            fail(constant(last) ? last.pos : error_position(last), last.text, e.what());
        }
        const Operand& arg = cmd.args[index];
        if (constant(arg)) fail(arg.pos, arg.text, constant_mismatch(e.expected(), arg.text));
        fail(error_position(arg), arg.text, e.what());
    }

    static bool constant(const Operand& op) {
        return op.kind == Operand::Kind::number || op.kind == Operand::Kind::string ||
               op.kind == Operand::Kind::boolean || op.kind == Operand::Kind::nil;
    }

    // Go's evalArg: a constant converts to the basic kinds only.
    static std::string constant_mismatch(const std::string& type, const std::string& constant) {
        static const std::map<std::string, std::string> kinds{
            {"string", "string"}, {"int", "integer"}, {"float64", "float"}, {"bool", "bool"}};
        auto kind = kinds.find(type);
        if (kind == kinds.end()) return "can't handle " + constant + " for arg of type " + type;
        return "expected " + kind->second + "; found " + constant;
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
            case Operand::Kind::identifier:
                base = call_bare(op, dot);
                break;
        }
        return op.fields.empty() ? base : eval_chain(base, op, dot, nullptr, nullptr);
    }

    // `base` through the fields of `op`; the last one gets the command's arguments and `final`.
    Value eval_chain(Value base, const Operand& op, const Value& dot, const Command* cmd,
                     const Value* final) {
        for (std::size_t i = 0; i + 1 < op.fields.size(); ++i)
            base = field_of(base, op.fields[i], op, dot, nullptr, nullptr);
        return field_of(base, op.fields.back(), op, dot, cmd, final);
    }

    Value lookup(const Operand& op) const {
        for (auto it = vars_.rbegin(); it != vars_.rend(); ++it)
            if (it->first == op.name) return it->second;
        fail(op.pos, op.text, "undefined variable: " + op.name);
    }

    // Go's evalField: a method first, then a struct field or a map key.
    Value field_of(const Value& base, const std::string& field, const Operand& op, const Value& dot,
                   const Command* cmd, const Value* final) {
        if (base.is_nil()) return base;  // Go: a field of no value, such as a bare call's dot
        if (const auto* methods = methods_of(base)) {
            if (auto it = methods->find(field); it != methods->end())
                return invoke(it->second, base, field, op, dot, cmd, final);
        }
        bool has_args = (cmd != nullptr && cmd->args.size() > 1) || final != nullptr;
        if (const auto* m = string_map(base)) {
            if (has_args)
                fail(error_position(op), op.text, field + " is not a method but has arguments");
            // missingkey=zero: an absent label reads as "".
            auto it = m->find(field);
            return Value{it == m->end() ? std::string() : it->second};
        }
        const Value* found = nullptr;
        Value sample_field;
        if (const auto* s = base.get<std::shared_ptr<const Struct>>()) {
            for (const auto& [name, value] : (*s)->fields)
                if (name == field) found = &value;
        }
        if (const auto* sample = base.get<QuerySample>()) {
            if (field == "Labels") sample_field = Value{sample->labels};
            if (field == "Value") sample_field = Value{sample->value};
            if (!sample_field.is_nil()) found = &sample_field;
        }
        if (found != nullptr) {
            if (has_args)
                fail(error_position(op), op.text,
                     field + " has arguments but cannot be invoked as function");
            return *found;
        }
        fail(error_position(op), op.text,
             "can't evaluate field " + field + " in type " + type_name(base));
    }

    // Go's evalCall for a method: the count of arguments, then each one's type, then the call.
    Value invoke(const Method& method, const Value& receiver, const std::string& name,
                 const Operand& op, const Value& dot, const Command* cmd, const Value* final) {
        std::size_t given = (cmd != nullptr ? cmd->args.size() - 1 : 0) + (final ? 1 : 0);
        if (given != method.parameters.size())
            fail(error_position(op), op.text,
                 "wrong number of args for " + name + ": want " +
                     std::to_string(method.parameters.size()) + " got " + std::to_string(given));
        std::vector<Value> args;
        for (std::size_t i = 1; cmd != nullptr && i < cmd->args.size(); ++i)
            args.push_back(eval_operand(cmd->args[i], dot));
        if (final != nullptr) args.push_back(*final);
        for (std::size_t i = 0; i < args.size(); ++i) {
            const std::string& wanted = method.parameters[i];
            if (args[i].is_nil() && wanted.starts_with("[]")) {
                // A nil slice: reflect passes the zero value.
                args[i] = Value{std::make_shared<const List>(List{.type_name = wanted})};
                continue;
            }
            if (type_name(args[i]) != wanted)
                fail_argument(*cmd, ArgumentError(i, wanted, type_name(args[i])));
        }
        return method.call(receiver, args);
    }
};

}  // namespace

std::string execute_tree(const Tree& tree, const TreeSet& trees, const FunctionMap& functions,
                         const Value& data, const FunctionContext& context, Output& output) {
    return Executor(trees, functions, context, output).run(tree, data);
}

std::string execute_tree(const Tree& tree, const TreeSet& trees, const FunctionMap& functions,
                         const Value& data, const FunctionContext& context) {
    PlainOutput output;
    return execute_tree(tree, trees, functions, data, context, output);
}

}  // namespace stackwatch::tmpl
