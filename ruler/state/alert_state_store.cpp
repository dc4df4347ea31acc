#include "ruler/state/alert_state_store.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "ruler/promql/labels_json.hpp"

namespace stackwatch::ruler {
namespace {

promql::Labels labels_from_json(const std::string& text) {
    std::vector<promql::Label> labels;
    auto object = nlohmann::json::parse(text);
    for (const auto& [name, value] : object.items())
        labels.push_back({name, value.get<std::string>()});
    return promql::Labels(std::move(labels));
}

struct Statement {
    sqlite3_stmt* stmt = nullptr;
    Statement(sqlite3* db, const char* sql) {
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK)
            throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db));
    }
    ~Statement() { sqlite3_finalize(stmt); }
};

}  // namespace

AlertStateStore::AlertStateStore(const std::string& path) : path_(path) {
    auto parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
        std::string error = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw std::runtime_error("cannot open state file " + path + ": " + error);
    }
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec(
        "CREATE TABLE IF NOT EXISTS for_state (labels TEXT PRIMARY KEY, t INTEGER NOT NULL, v REAL "
        "NOT NULL)");
}

AlertStateStore::~AlertStateStore() {
    sqlite3_close(db_);
}

void AlertStateStore::exec(const char* sql) const {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw std::runtime_error("state file " + path_ + ": " + message);
    }
}

void AlertStateStore::save(const promql::Queryable& data, promql::Timestamp t) {
    auto series =
        data.select({promql::Matcher(promql::MatchType::equal, std::string(promql::kMetricName),
                                     "ALERTS_FOR_STATE")},
                    t, t);
    if (series.empty()) return;
    std::lock_guard lock(mutex_);
    Statement upsert(db_,
                     "INSERT INTO for_state (labels, t, v) VALUES (?, ?, ?) "
                     "ON CONFLICT(labels) DO UPDATE SET t = excluded.t, v = excluded.v");
    Statement forget(db_, "DELETE FROM for_state WHERE labels = ?");
    exec("BEGIN");
    for (const auto& s : series) {
        if (s.samples.empty()) continue;
        const auto& last = s.samples.back();
        std::string key = promql::labels_json(s.labels).dump();
        sqlite3_stmt* stmt = promql::is_stale_marker(last.v) ? forget.stmt : upsert.stmt;
        sqlite3_bind_text(stmt, 1, key.c_str(), -1, SQLITE_TRANSIENT);
        if (stmt == upsert.stmt) {
            sqlite3_bind_int64(stmt, 2, last.t);
            sqlite3_bind_double(stmt, 3, last.v);
        }
        sqlite3_step(stmt);
        sqlite3_reset(stmt);
    }
    exec("COMMIT");
}

std::size_t AlertStateStore::load_into(storage::MemoryStore& store) const {
    std::lock_guard lock(mutex_);
    Statement all(db_, "SELECT labels, t, v FROM for_state");
    std::size_t loaded = 0;
    while (sqlite3_step(all.stmt) == SQLITE_ROW) {
        auto labels =
            labels_from_json(reinterpret_cast<const char*>(sqlite3_column_text(all.stmt, 0)));
        if (store.append(labels, sqlite3_column_int64(all.stmt, 1),
                         sqlite3_column_double(all.stmt, 2)) == storage::AppendResult::ok)
            ++loaded;
    }
    return loaded;
}

}  // namespace stackwatch::ruler
