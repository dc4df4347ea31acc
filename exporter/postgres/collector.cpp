#include "exporter/postgres/collector.hpp"

namespace stackwatch::exporter::postgres {

void SingleQueryCollector::collect(Session& session, Deadline deadline, MetricSet& out) {
    if (generation_ != session.generation()) {
        sql_ = sql(session.facts());
        generation_ = session.generation();
    }
    auto result = session.run(statement_name_, sql_, deadline);
    for (const auto& row : result) add(row, session.facts(), out);
}

std::string ColumnsCollector::sql(const ServerFacts& facts) const {
    std::string sql = "SELECT ";
    for (const auto& label : labels_)
        sql.append(label.expression).append(" AS ").append(label.label).append(", ");
    return sql + select_list(columns_, facts.version_num) + " " + rest_;
}

void ColumnsCollector::add(const pqxx::row& row, const ServerFacts& facts, MetricSet& out) const {
    Labels labels;
    for (const auto& label : labels_)
        labels.emplace_back(label.label, as_label(row[std::string(label.label)], label.when_null));
    add_row(out, row, columns_, facts.version_num, labels);
}

void CachedCollector::collect(Session& session, Deadline deadline, MetricSet& out) {
    auto now = std::chrono::steady_clock::now();
    if (generation_ != session.generation() || now - read_at_ >= ttl_) {
        MetricSet fresh;
        inner_->collect(session, deadline, fresh);
        cached_ = std::move(fresh);
        read_at_ = now;
        generation_ = session.generation();
    }
    MetricSet copy = cached_;
    out.merge(std::move(copy));
}

}  // namespace stackwatch::exporter::postgres
