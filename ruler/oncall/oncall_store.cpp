#include "ruler/oncall/oncall_store.hpp"

#include "ruler/notify/records.hpp"
#include "ruler/promql/labels_json.hpp"

namespace stackwatch::oncall {
namespace {

using notify::from_ticks;
using notify::ticks;
using ruler::sqlite::Statement;

std::optional<TimePoint> optional_time(const Statement& s, int column) {
    if (s.is_null(column)) return std::nullopt;
    return from_ticks(s.integer(column));
}

}  // namespace

OnCallStore::OnCallStore(const std::string& path) : db_(path) {
    db_.exec(
        "CREATE TABLE IF NOT EXISTS oncall_acks (alert_id TEXT PRIMARY KEY, by TEXT NOT NULL, "
        "comment TEXT NOT NULL, at INTEGER NOT NULL, expires_at INTEGER)");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS oncall_history (alert_id TEXT PRIMARY KEY, labels TEXT NOT "
        "NULL, started_at INTEGER NOT NULL, acknowledged_at INTEGER, acknowledged_by TEXT NOT "
        "NULL DEFAULT '', resolved_at INTEGER, resolved_by TEXT NOT NULL DEFAULT '', "
        "escalations INTEGER NOT NULL DEFAULT 0)");
    db_.exec("CREATE INDEX IF NOT EXISTS oncall_history_start ON oncall_history (started_at)");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS oncall_escalations (group_key TEXT PRIMARY KEY, record TEXT "
        "NOT NULL)");
}

void OnCallStore::save_ack(const Acknowledgement& ack) {
    std::lock_guard lock(mutex_);
    auto& s = db_.cached(
        "INSERT OR REPLACE INTO oncall_acks (alert_id, by, comment, at, expires_at) VALUES (?, ?, "
        "?, ?, ?)");
    s.bind(1, ack.alert_id).bind(2, ack.by).bind(3, ack.comment).bind(4, ticks(ack.at));
    if (ack.expires_at)
        s.bind(5, ticks(*ack.expires_at));
    else
        s.bind_null(5);
    s.run();
}

void OnCallStore::delete_ack(const std::string& alert_id) {
    std::lock_guard lock(mutex_);
    write_delete_ack(alert_id);
}

void OnCallStore::write_delete_ack(const std::string& alert_id) {
    db_.cached("DELETE FROM oncall_acks WHERE alert_id = ?").bind(1, alert_id).run();
}

std::vector<Acknowledgement> OnCallStore::load_acks() const {
    std::lock_guard lock(mutex_);
    auto& s = db_.cached("SELECT alert_id, by, comment, at, expires_at FROM oncall_acks");
    std::vector<Acknowledgement> out;
    while (s.step())
        out.push_back(
            {s.text(0), s.text(1), s.text(2), from_ticks(s.integer(3)), optional_time(s, 4)});
    return out;
}

void OnCallStore::record(const std::vector<HistoryChange>& changes) {
    if (changes.empty()) return;
    std::lock_guard lock(mutex_);
    ruler::sqlite::Transaction transaction(db_);
    for (const auto& c : changes) {
        if (!c.resolved_by) {
            write_started(c.alert_id, c.labels, c.at);
            continue;
        }
        write_resolved(c.alert_id, *c.resolved_by, c.at);
        if (c.ack_ended) write_delete_ack(c.alert_id);
    }
    transaction.commit();
}

void OnCallStore::write_started(const std::string& alert_id, const promql::Labels& labels,
                                TimePoint at) {
    db_.cached(
           "INSERT OR IGNORE INTO oncall_history (alert_id, labels, started_at) VALUES (?, ?, ?)")
        .bind(1, alert_id)
        .bind(2, promql::labels_json(labels).dump())
        .bind(3, ticks(at))
        .run();
}

void OnCallStore::acknowledged(const std::string& alert_id, const std::string& by, TimePoint at) {
    std::lock_guard lock(mutex_);
    db_.cached(
           "UPDATE oncall_history SET acknowledged_at = ?, acknowledged_by = ? WHERE alert_id = ? "
           "AND acknowledged_at IS NULL")
        .bind(1, ticks(at))
        .bind(2, by)
        .bind(3, alert_id)
        .run();
}

void OnCallStore::resolved(const std::string& alert_id, const std::string& by, TimePoint at) {
    std::lock_guard lock(mutex_);
    write_resolved(alert_id, by, at);
}

void OnCallStore::write_resolved(const std::string& alert_id, const std::string& by, TimePoint at) {
    db_.cached(
           "UPDATE oncall_history SET resolved_at = ?, resolved_by = ? WHERE alert_id = ? AND "
           "resolved_at IS NULL")
        .bind(1, ticks(at))
        .bind(2, by)
        .bind(3, alert_id)
        .run();
}

void OnCallStore::escalated(const std::string& alert_id) {
    std::lock_guard lock(mutex_);
    db_.cached("UPDATE oncall_history SET escalations = escalations + 1 WHERE alert_id = ?")
        .bind(1, alert_id)
        .run();
}

std::vector<HistoryRow> OnCallStore::history(TimePoint from, TimePoint to) const {
    std::lock_guard lock(mutex_);
    auto& s = db_.cached(
        "SELECT alert_id, labels, started_at, acknowledged_at, acknowledged_by, resolved_at, "
        "resolved_by, escalations FROM oncall_history WHERE started_at >= ? AND started_at < ? "
        "ORDER BY started_at");
    s.bind(1, ticks(from)).bind(2, ticks(to));
    std::vector<HistoryRow> out;
    while (s.step())
        out.push_back({s.text(0), promql::labels_from_json(nlohmann::json::parse(s.text(1))),
                       from_ticks(s.integer(2)), optional_time(s, 3), s.text(4),
                       optional_time(s, 5), s.text(6), static_cast<int>(s.integer(7))});
    return out;
}

std::vector<std::string> OnCallStore::unresolved() const {
    std::lock_guard lock(mutex_);
    auto& s = db_.cached("SELECT alert_id FROM oncall_history WHERE resolved_at IS NULL");
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
}

void OnCallStore::forget_before(TimePoint before) {
    std::lock_guard lock(mutex_);
    db_.cached("DELETE FROM oncall_history WHERE resolved_at IS NOT NULL AND resolved_at < ?")
        .bind(1, ticks(before))
        .run();
}

void OnCallStore::save_escalation(const std::string& group_key, const std::string& record) {
    std::lock_guard lock(mutex_);
    db_.cached("INSERT OR REPLACE INTO oncall_escalations (group_key, record) VALUES (?, ?)")
        .bind(1, group_key)
        .bind(2, record)
        .run();
}

void OnCallStore::delete_escalation(const std::string& group_key) {
    std::lock_guard lock(mutex_);
    db_.cached("DELETE FROM oncall_escalations WHERE group_key = ?").bind(1, group_key).run();
}

std::vector<std::pair<std::string, std::string>> OnCallStore::load_escalations() const {
    std::lock_guard lock(mutex_);
    auto& s = db_.cached("SELECT group_key, record FROM oncall_escalations");
    std::vector<std::pair<std::string, std::string>> out;
    while (s.step()) out.emplace_back(s.text(0), s.text(1));
    return out;
}

}  // namespace stackwatch::oncall
