#include "exporter/postgres/collector.hpp"

namespace stackwatch::exporter::postgres {

std::optional<Statement> SingleQueryCollector::statement(Session& session) {
    if (generation_ != session.generation()) {
        sql_ = sql(session.facts());
        generation_ = session.generation();
    }
    return Statement{statement_name_, sql_, std::nullopt};
}

void SingleQueryCollector::collect(Session& session, Deadline deadline, MetricSet& out) {
    statement(session);
    auto result = session.run(statement_name_, sql_, deadline);
    for (const auto& row : result) add(row, session.facts(), out);
}

std::string ColumnsCollector::sql(const ServerFacts& facts) const {
    std::string sql = "SELECT ";
    for (const auto& label : labels_)
        sql.append(label.expression).append(" AS ").append(label.label).append(", ");
    return sql + select_list(columns_, facts.version_num) + " " + rest_;
}

void ColumnsCollector::add(const Row& row, const ServerFacts& facts, MetricSet& out) const {
    Labels labels;
    for (const auto& label : labels_)
        labels.emplace_back(label.label, as_label(row[label.label], label.when_null));
    add_row(out, row, columns_, facts.version_num, labels);
}

bool CachedCollector::stale(const Session& session) const {
    return generation_ != session.generation() ||
           std::chrono::steady_clock::now() - read_at_ >= ttl_;
}

std::optional<Statement> CachedCollector::statement(Session& session) {
    return stale(session) ? inner_->statement(session) : std::nullopt;
}

void CachedCollector::collect(Session& session, Deadline deadline, MetricSet& out) {
    if (stale(session)) {
        auto fresh = std::make_shared<MetricSet>();
        inner_->collect(session, deadline, *fresh);
        cached_ = std::move(fresh);
        read_at_ = std::chrono::steady_clock::now();
        generation_ = session.generation();
    }
    out.attach(cached_);
}

}  // namespace stackwatch::exporter::postgres
