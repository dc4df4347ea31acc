#include "ruler/promql/binary_ops.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "ruler/promql/go_math.hpp"

namespace stackwatch::promql {

namespace {

struct ElementResult {
    double value;
    bool keep;  // false: a comparison that filters the element out
};

ElementResult apply(BinaryOp op, double l, double r) {
    switch (op) {
        case BinaryOp::add:
            return {l + r, true};
        case BinaryOp::sub:
            return {l - r, true};
        case BinaryOp::mul:
            return {l * r, true};
        case BinaryOp::div:
            return {l / r, true};
        case BinaryOp::mod:
            return {std::fmod(l, r), true};
        case BinaryOp::pow:
            return {go_math::pow(l, r), true};
        case BinaryOp::atan2:
            return {go_math::atan2(l, r), true};
        case BinaryOp::eql:
            return {l, l == r};
        case BinaryOp::neq:
            return {l, l != r};
        case BinaryOp::gtr:
            return {l, l > r};
        case BinaryOp::lss:
            return {l, l < r};
        case BinaryOp::gte:
            return {l, l >= r};
        case BinaryOp::lte:
            return {l, l <= r};
        default:
            throw EvalError(std::string("operator \"") + binary_op_name(op) +
                            "\" not allowed for this operand types");
    }
}

// Arithmetic yields a new quantity, so the metric name no longer describes it; comparisons
// filter and keep it. atan2 keeps it as well, as Prometheus does.
bool drops_metric_name(BinaryOp op) {
    return op == BinaryOp::add || op == BinaryOp::sub || op == BinaryOp::mul ||
           op == BinaryOp::div || op == BinaryOp::mod || op == BinaryOp::pow;
}

// The labels two sides are matched on: on(...) keeps the listed ones, otherwise everything
// except the ignored labels and the metric name.
Labels signature(const Labels& labels, const VectorMatching& m) {
    std::vector<Label> kept;
    for (const auto& l : labels) {
        bool listed = std::find(m.labels.begin(), m.labels.end(), l.name) != m.labels.end();
        if (m.on ? listed : (!listed && l.name != kMetricName)) kept.push_back(l);
    }
    return Labels(std::move(kept));
}

struct LabelsHash {
    std::size_t operator()(const Labels& l) const { return l.hash(); }
};

Scalar scalar_scalar(const BinaryExpr& e, double l, double r, Timestamp t) {
    ElementResult res = apply(e.op, l, r);
    if (is_comparison(e.op)) return Scalar{t, res.keep ? 1.0 : 0.0};
    return Scalar{t, res.value};
}

Vector vector_scalar(const BinaryExpr& e, Vector vec, double scalar, bool scalar_on_left) {
    Vector out;
    for (auto& s : vec) {
        double l = scalar_on_left ? scalar : s.v;
        double r = scalar_on_left ? s.v : scalar;
        ElementResult res = apply(e.op, l, r);
        // A comparison filters the vector, so its elements keep their own values.
        if (is_comparison(e.op)) res.value = s.v;
        if (e.return_bool) {
            res.value = res.keep ? 1.0 : 0.0;
            res.keep = true;
        }
        if (!res.keep) continue;
        if (drops_metric_name(e.op) || e.return_bool) s.labels.erase(kMetricName);
        s.v = res.value;
        out.push_back(std::move(s));
    }
    return out;
}

Vector set_operation(const BinaryExpr& e, const Vector& lhs, const Vector& rhs) {
    const VectorMatching& m = *e.matching;
    std::unordered_set<Labels, LabelsHash> rhs_sigs;
    for (const auto& s : rhs) rhs_sigs.insert(signature(s.labels, m));
    Vector out;
    switch (e.op) {
        case BinaryOp::land:
            for (const auto& s : lhs)
                if (rhs_sigs.contains(signature(s.labels, m))) out.push_back(s);
            break;
        case BinaryOp::lunless:
            for (const auto& s : lhs)
                if (!rhs_sigs.contains(signature(s.labels, m))) out.push_back(s);
            break;
        default: {
            std::unordered_set<Labels, LabelsHash> lhs_sigs;
            for (const auto& s : lhs) {
                lhs_sigs.insert(signature(s.labels, m));
                out.push_back(s);
            }
            for (const auto& s : rhs)
                if (!lhs_sigs.contains(signature(s.labels, m))) out.push_back(s);
        }
    }
    return out;
}

Labels result_labels(const Labels& many, const Labels& one, const BinaryExpr& e) {
    const VectorMatching& m = *e.matching;
    Labels out = many;
    if (drops_metric_name(e.op)) out.erase(kMetricName);
    if (m.card == VectorMatching::Card::one_to_one) {
        if (m.on) {
            std::vector<Label> kept;
            for (const auto& l : out)
                if (std::find(m.labels.begin(), m.labels.end(), l.name) != m.labels.end())
                    kept.push_back(l);
            out = Labels(std::move(kept));
        } else {
            for (const auto& name : m.labels) out.erase(name);
        }
    }
    // group_x(...) labels come from the "one" side.
    for (const auto& name : m.include) out.set(name, one.get(name));
    return out;
}

Vector vector_vector(const BinaryExpr& e, const Vector& lhs_in, const Vector& rhs_in) {
    const VectorMatching& m = *e.matching;
    bool swapped = m.card == VectorMatching::Card::one_to_many;
    const Vector& many = swapped ? rhs_in : lhs_in;
    const Vector& one = swapped ? lhs_in : rhs_in;

    std::unordered_map<Labels, const VectorSample*, LabelsHash> one_by_sig;
    for (const auto& s : one) {
        auto [it, inserted] = one_by_sig.emplace(signature(s.labels, m), &s);
        if (!inserted)
            throw EvalError("found duplicate series for the match group " + it->first.to_string() +
                            " on the " + (swapped ? "left" : "right") +
                            " hand-side of the operation: [" + it->second->labels.to_string() +
                            ", " + s.labels.to_string() +
                            "];many-to-many matching not allowed: matching labels must be unique "
                            "on one side");
    }
    std::unordered_set<Labels, LabelsHash> matched_sigs;
    std::unordered_set<Labels, LabelsHash> output_labels;
    Vector out;
    for (const auto& s : many) {
        Labels sig = signature(s.labels, m);
        auto it = one_by_sig.find(sig);
        if (it == one_by_sig.end()) continue;
        if (m.card == VectorMatching::Card::one_to_one && !matched_sigs.insert(sig).second)
            throw EvalError(
                "multiple matches for labels: many-to-one matching must be explicit "
                "(group_left/group_right)");
        double l = swapped ? it->second->v : s.v;
        double r = swapped ? s.v : it->second->v;
        ElementResult res = apply(e.op, l, r);
        if (e.return_bool) {
            res.value = res.keep ? 1.0 : 0.0;
        } else if (!res.keep) {
            continue;
        }
        Labels labels = result_labels(s.labels, it->second->labels, e);
        if (e.return_bool) labels.erase(kMetricName);
        if (m.card != VectorMatching::Card::one_to_one && !output_labels.insert(labels).second)
            throw EvalError(
                "multiple matches for labels: grouping labels must ensure unique matches");
        out.push_back(VectorSample{std::move(labels), s.t, res.value});
    }
    return out;
}

}  // namespace

Value eval_binary(const BinaryExpr& e, const Value& lhs, const Value& rhs, Timestamp t) {
    const auto* ls = std::get_if<Scalar>(&lhs);
    const auto* rs = std::get_if<Scalar>(&rhs);
    if (ls && rs) return scalar_scalar(e, ls->v, rs->v, t);
    if (rs) return vector_scalar(e, std::get<Vector>(lhs), rs->v, false);
    if (ls) return vector_scalar(e, std::get<Vector>(rhs), ls->v, true);
    const Vector& lv = std::get<Vector>(lhs);
    const Vector& rv = std::get<Vector>(rhs);
    if (is_set_operator(e.op)) return set_operation(e, lv, rv);
    return vector_vector(e, lv, rv);
}

}  // namespace stackwatch::promql
