#include "ruler/template/execute.hpp"

#include <algorithm>
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
    Executor(const TreeSet& trees, const FunctionMap& functions, const FunctionContext& context)
        : trees_(trees), functions_(functions), context_(context) {}

    std::string run(const Tree& tree, const Value& dot) {
        current_ = &tree;
        vars_.emplace_back("$", dot);
        walk(tree.root, dot);
        return std::move(out_);
    }

  private:
    const TreeSet& trees_;
    const FunctionMap& functions_;
    const FunctionContext& context_;
    const Tree* current_ = nullptr;  // the template executing, which errors name
    int depth_ = 0;                  // nested {{template}} calls
    std::vector<std::pair<std::string, Value>> vars_;
    std::string out_;

    [[noreturn]] void fail(int pos, const std::string& context, const std::string& message) const {
        auto prefix = std::string_view(*current_->text).substr(0, static_cast<std::size_t>(pos));
        int line = 1 + static_cast<int>(std::count(prefix.begin(), prefix.end(), '\n'));
        auto newline = prefix.rfind('\n');
        auto column =
            newline == std::string_view::npos ? prefix.size() : prefix.size() - newline - 1;
        throw TemplateError("template: " + current_->parse_name + ":" + std::to_string(line) + ":" +
                            std::to_string(column) + ": executing " + go_quote(current_->name) +
                            " at <" + context + ">: " + message);
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
        if (const auto* m = collection.get<StringMap>()) {
            empty = m->empty();
            for (const auto& [k, v] : *m)
                if (!iterate(Value{k}, Value{v})) break;
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
        if (base.is_nil()) return base;  // Go: a field of no value, such as a bare call's dot
        fail(error_position(op), op.text,
             "can't evaluate field " + field + " in type " + type_name(base));
    }
};

}  // namespace

std::string execute_tree(const Tree& tree, const TreeSet& trees, const FunctionMap& functions,
                         const Value& data, const FunctionContext& context) {
    return Executor(trees, functions, context).run(tree, data);
}

}  // namespace stackwatch::tmpl
