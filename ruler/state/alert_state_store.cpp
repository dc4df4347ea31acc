#include "ruler/state/alert_state_store.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "ruler/promql/labels_json.hpp"

namespace stackwatch::ruler {

AlertStateStore::AlertStateStore(const std::string& path) : db_(path) {
    db_.exec(
        "CREATE TABLE IF NOT EXISTS for_state (labels TEXT PRIMARY KEY, t INTEGER NOT NULL, v REAL "
        "NOT NULL)");
}

void AlertStateStore::save(const promql::Queryable& data, promql::Timestamp t) {
    auto series =
        data.select({promql::Matcher(promql::MatchType::equal, std::string(promql::kMetricName),
                                     "ALERTS_FOR_STATE")},
                    t, t);
    if (series.empty()) return;
    std::lock_guard lock(mutex_);
    sqlite::Statement upsert(db_,
                             "INSERT INTO for_state (labels, t, v) VALUES (?, ?, ?) "
                             "ON CONFLICT(labels) DO UPDATE SET t = excluded.t, v = excluded.v");
    sqlite::Statement forget(db_, "DELETE FROM for_state WHERE labels = ?");
    sqlite::Transaction transaction(db_);
    for (const auto& s : series) {
        if (s.samples.empty()) continue;
        const auto& last = s.samples.back();
        std::string key = promql::labels_json(s.labels).dump();
        if (promql::is_stale_marker(last.v))
            forget.bind(1, key).run();
        else
            upsert.bind(1, key).bind(2, std::int64_t{last.t}).bind(3, last.v).run();
    }
    transaction.commit();
}

std::size_t AlertStateStore::load_into(storage::MemoryStore& store) const {
    std::lock_guard lock(mutex_);
    sqlite::Statement all(db_, "SELECT labels, t, v FROM for_state");
    std::size_t loaded = 0;
    while (all.step()) {
        if (store.append(promql::labels_from_json(nlohmann::json::parse(all.text(0))),
                         all.integer(1), all.real(2)) == storage::AppendResult::ok)
            ++loaded;
    }
    return loaded;
}

}  // namespace stackwatch::ruler
