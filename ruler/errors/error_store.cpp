#include "ruler/errors/error_store.hpp"

#include <algorithm>

#include "ruler/errors/error_json.hpp"

namespace stackwatch::errors {
namespace {

using ruler::sqlite::Statement;
using ruler::sqlite::Transaction;

std::int64_t ms(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
TimePoint from_ms(std::int64_t v) {
    return TimePoint(std::chrono::milliseconds(v));
}
std::int64_t minute_of(TimePoint t) {
    return ms(t) / 60'000;
}

std::optional<TimePoint> optional_time(const Statement& s, int column) {
    if (s.is_null(column)) return std::nullopt;
    return from_ms(s.integer(column));
}

constexpr const char* kGroupColumns =
    "fingerprint, title, type, level, service, first_seen, last_seen, count, users, status, "
    "resolved_at, regressed_at, last_event_id";

ErrorGroup read_group(const Statement& s) {
    ErrorGroup g;
    g.fingerprint = s.text(0);
    g.title = s.text(1);
    g.type = s.text(2);
    g.level = s.text(3);
    g.service = s.text(4);
    g.first_seen = from_ms(s.integer(5));
    g.last_seen = from_ms(s.integer(6));
    g.count = s.integer(7);
    g.users = s.integer(8);
    g.status = parse_status(s.text(9)).value_or(GroupStatus::unresolved);
    g.resolved_at = optional_time(s, 10);
    g.regressed_at = optional_time(s, 11);
    g.last_event_id = s.text(12);
    return g;
}

// What one batch adds to one group.
struct GroupDelta {
    const ErrorEvent* first = nullptr;  // the earliest occurrence: a new group's title and type
    const ErrorEvent* last = nullptr;   // the latest: the group's last event
    std::int64_t count = 0;
    std::set<std::string> users;
};

}  // namespace

ErrorStore::ErrorStore(const std::string& path, StoreLimits limits) : db_(path), limits_(limits) {
    db_.exec(
        "CREATE TABLE IF NOT EXISTS error_groups (fingerprint TEXT PRIMARY KEY, title TEXT NOT "
        "NULL, type TEXT NOT NULL, level TEXT NOT NULL, service TEXT NOT NULL, first_seen "
        "INTEGER NOT NULL, last_seen INTEGER NOT NULL, count INTEGER NOT NULL, kept INTEGER NOT "
        "NULL, users INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'unresolved', "
        "resolved_at INTEGER, regressed_at INTEGER, last_event_id TEXT NOT NULL)");
    db_.exec("CREATE INDEX IF NOT EXISTS error_groups_last_seen ON error_groups (last_seen)");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS error_events (id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, "
        "at INTEGER NOT NULL, body TEXT NOT NULL)");
    db_.exec("CREATE INDEX IF NOT EXISTS error_events_group ON error_events (fingerprint, at)");
    db_.exec("CREATE INDEX IF NOT EXISTS error_events_at ON error_events (at)");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS error_users (fingerprint TEXT NOT NULL, user TEXT NOT NULL, "
        "PRIMARY KEY (fingerprint, user)) WITHOUT ROWID");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS error_counts (fingerprint TEXT NOT NULL, minute INTEGER NOT "
        "NULL, count INTEGER NOT NULL, PRIMARY KEY (fingerprint, minute)) WITHOUT ROWID");
    db_.exec("CREATE INDEX IF NOT EXISTS error_counts_minute ON error_counts (minute)");
    // Inserts land all over the occurrence id index (ids are random): with sqlite's default 2 MiB
    // of cache a large store reads its pages back from the kernel on every batch.
    db_.exec("PRAGMA cache_size = -32768");
    // Checkpoints (and their fsync) every 32 MiB of log rather than sqlite's 4 MiB: the hot index
    // pages are then written back once for many batches. This is sqlite's own checkpoint, in the
    // one writer's commits, and it replaces the background one the state files get
    // (wal_checkpointer.hpp) for this file: measured with bench/errors, not yet against it.
    db_.exec("PRAGMA wal_autocheckpoint = 8192");
    apply_size_limit();
}

void ErrorStore::set_limits(StoreLimits limits) {
    std::lock_guard lock(mutex_);
    limits_ = limits;
    apply_size_limit();
}

// sqlite's own page limit: a write that would grow the file past it fails as a full disk does,
// so the size cap and a real full disk take the same path.
void ErrorStore::apply_size_limit() {
    auto& page_size = db_.cached("PRAGMA page_size");
    std::int64_t bytes_per_page = page_size.step() ? page_size.integer(0) : 4096;
    page_size.reset();
    const std::int64_t pages =
        limits_.max_bytes == 0
            ? std::int64_t{4294967294}
            : std::max<std::int64_t>(1,
                                     static_cast<std::int64_t>(limits_.max_bytes) / bytes_per_page);
    db_.exec(("PRAGMA max_page_count = " + std::to_string(pages)).c_str());
}

std::optional<ErrorGroup> ErrorStore::group_locked(const std::string& fingerprint) const {
    static const std::string sql =
        std::string("SELECT ") + kGroupColumns + " FROM error_groups WHERE fingerprint = ?";
    auto& s = db_.cached(sql.c_str());
    s.bind(1, fingerprint);
    if (!s.step()) return std::nullopt;
    auto group = read_group(s);
    s.reset();
    return group;
}

WriteResult ErrorStore::write(const std::vector<ErrorEvent>& events,
                              const std::vector<std::string>& records) {
    std::lock_guard lock(mutex_);
    WriteResult result;
    Transaction transaction(db_);
    std::map<std::string, GroupDelta> deltas;
    std::map<std::pair<std::string, std::int64_t>, std::int64_t> minutes;
    auto& insert = db_.cached(
        "INSERT OR IGNORE INTO error_events (id, fingerprint, at, body) VALUES (?, ?, ?, ?)");
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& event = events[i];
        insert.bind(1, event.id)
            .bind(2, event.fingerprint)
            .bind(3, ms(event.timestamp))
            .bind(4, records.empty() ? event_record(event) : records[i]);
        insert.run();
        if (sqlite3_changes(db_.handle()) == 0) continue;
        result.stored_indexes.push_back(i);
        auto& delta = deltas[event.fingerprint];
        if (!delta.first || event.timestamp < delta.first->timestamp) delta.first = &event;
        if (!delta.last || event.timestamp >= delta.last->timestamp) delta.last = &event;
        ++delta.count;
        if (!event.user.empty()) delta.users.insert(event.user);
        ++minutes[{event.fingerprint, minute_of(event.timestamp)}];
    }
    for (const auto& [fingerprint, delta] : deltas) {
        std::int64_t new_users = 0;
        auto& user =
            db_.cached("INSERT OR IGNORE INTO error_users (fingerprint, user) VALUES (?, ?)");
        for (const auto& u : delta.users) {
            user.bind(1, fingerprint).bind(2, u).run();
            new_users += sqlite3_changes(db_.handle());
        }
        auto existing = group_locked(fingerprint);
        if (!existing) {
            db_.cached(
                   "INSERT INTO error_groups (fingerprint, title, type, level, service, "
                   "first_seen, last_seen, count, kept, users, last_event_id) VALUES (?, ?, ?, "
                   "?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(1, fingerprint)
                .bind(2, delta.first->title)
                .bind(3, delta.first->type)
                .bind(4, delta.last->level)
                .bind(5, delta.first->service)
                .bind(6, ms(delta.first->timestamp))
                .bind(7, ms(delta.last->timestamp))
                .bind(8, delta.count)
                .bind(9, delta.count)
                .bind(10, new_users)
                .bind(11, delta.last->id)
                .run();
            result.opened.push_back(*group_locked(fingerprint));
            continue;
        }
        // A resolved group regresses when it occurs after it was resolved; one occurrence
        // older than the resolution (a late batch) does not reopen it.
        bool regresses = existing->status == GroupStatus::resolved && existing->resolved_at &&
                         delta.last->timestamp > *existing->resolved_at;
        bool newest = delta.last->timestamp >= existing->last_seen;
        auto& update = db_.cached(
            "UPDATE error_groups SET count = count + ?, kept = kept + ?, users = users + ?, "
            "first_seen = min(first_seen, ?), last_seen = max(last_seen, ?), level = CASE WHEN ? "
            "THEN ? ELSE level END, last_event_id = CASE WHEN ? THEN ? ELSE last_event_id END, "
            "status = CASE WHEN ? THEN 'unresolved' ELSE status END, regressed_at = CASE WHEN ? "
            "THEN ? ELSE regressed_at END WHERE fingerprint = ?");
        update.bind(1, delta.count)
            .bind(2, delta.count)
            .bind(3, new_users)
            .bind(4, ms(delta.first->timestamp))
            .bind(5, ms(delta.last->timestamp))
            .bind(6, std::int64_t{newest})
            .bind(7, delta.last->level)
            .bind(8, std::int64_t{newest})
            .bind(9, delta.last->id)
            .bind(10, std::int64_t{regresses})
            .bind(11, std::int64_t{regresses})
            .bind(12, ms(delta.last->timestamp))
            .bind(13, fingerprint)
            .run();
        if (regresses) result.regressed.push_back(*group_locked(fingerprint));
    }
    auto& count = db_.cached(
        "INSERT INTO error_counts (fingerprint, minute, count) VALUES (?, ?, ?) ON CONFLICT "
        "(fingerprint, minute) DO UPDATE SET count = count + excluded.count");
    for (const auto& [key, n] : minutes)
        count.bind(1, key.first).bind(2, key.second).bind(3, n).run();
    // The oldest occurrences beyond the cap go; the group's count stays as it is.
    const auto cap = static_cast<std::int64_t>(limits_.max_events_per_group);
    auto& kept = db_.cached("SELECT kept FROM error_groups WHERE fingerprint = ?");
    auto& trim = db_.cached(
        "DELETE FROM error_events WHERE rowid IN (SELECT rowid FROM error_events WHERE "
        "fingerprint = ? ORDER BY at, rowid LIMIT ?)");
    auto& set_kept = db_.cached("UPDATE error_groups SET kept = ? WHERE fingerprint = ?");
    for (const auto& [fingerprint, delta] : deltas) {
        kept.bind(1, fingerprint);
        std::int64_t n = kept.step() ? kept.integer(0) : 0;
        kept.reset();
        if (n <= cap) continue;
        trim.bind(1, fingerprint).bind(2, n - cap).run();
        set_kept.bind(1, cap).bind(2, fingerprint).run();
    }
    transaction.commit();
    return result;
}

std::optional<ErrorEvent> ErrorStore::event(const std::string& id) const {
    std::lock_guard lock(mutex_);
    auto& s = db_.cached("SELECT body FROM error_events WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    auto body = s.text(0);
    s.reset();
    return event_from_record(nlohmann::json::parse(body));
}

std::vector<ErrorGroup> ErrorStore::groups(const GroupQuery& query) const {
    std::lock_guard lock(mutex_);
    static const std::string sql =
        std::string("SELECT ") + kGroupColumns +
        " FROM error_groups WHERE (?1 IS NULL OR fingerprint GLOB ?1) AND (?2 IS NULL OR status "
        "= ?2) ORDER BY last_seen DESC LIMIT ?3";
    auto& s = db_.cached(sql.c_str());
    if (query.fingerprint)
        s.bind(1, query.fingerprint->sqlite_glob());
    else
        s.bind_null(1);
    if (query.status)
        s.bind(2, std::string_view(status_name(*query.status)));
    else
        s.bind_null(2);
    s.bind(3, static_cast<std::int64_t>(query.limit));
    std::vector<ErrorGroup> out;
    while (s.step()) out.push_back(read_group(s));
    return out;
}

std::vector<ErrorEvent> ErrorStore::recent_events(const Glob& fingerprint,
                                                  std::size_t limit) const {
    std::lock_guard lock(mutex_);
    auto& s = db_.cached(
        "SELECT body FROM error_events WHERE fingerprint GLOB ? ORDER BY at DESC, rowid DESC "
        "LIMIT ?");
    s.bind(1, fingerprint.sqlite_glob()).bind(2, static_cast<std::int64_t>(limit));
    std::vector<ErrorEvent> out;
    while (s.step()) out.push_back(event_from_record(nlohmann::json::parse(s.text(0))));
    return out;
}

ErrorStats ErrorStore::stats(TimePoint from, TimePoint to,
                             const std::optional<Glob>& fingerprint) const {
    std::lock_guard lock(mutex_);
    ErrorStats stats;
    stats.from = from;
    stats.to = to;
    const std::int64_t first = minute_of(from), last = minute_of(to);
    const std::string glob = fingerprint ? fingerprint->sqlite_glob() : "*";
    auto& by_type = db_.cached(
        "SELECT g.type, sum(c.count) AS n FROM error_counts c JOIN error_groups g USING "
        "(fingerprint) WHERE c.minute BETWEEN ?1 AND ?2 AND c.fingerprint GLOB ?3 GROUP BY "
        "g.type ORDER BY n DESC");
    by_type.bind(1, first).bind(2, last).bind(3, glob);
    while (by_type.step()) {
        stats.by_type.push_back({by_type.text(0), "", by_type.integer(1)});
        stats.total += by_type.integer(1);
    }
    auto& by_fingerprint = db_.cached(
        "SELECT c.fingerprint, g.title, sum(c.count) AS n FROM error_counts c JOIN error_groups "
        "g USING (fingerprint) WHERE c.minute BETWEEN ?1 AND ?2 AND c.fingerprint GLOB ?3 GROUP "
        "BY c.fingerprint ORDER BY n DESC LIMIT 20");
    by_fingerprint.bind(1, first).bind(2, last).bind(3, glob);
    while (by_fingerprint.step())
        stats.by_fingerprint.push_back(
            {by_fingerprint.text(0), by_fingerprint.text(1), by_fingerprint.integer(2)});
    auto& recent = db_.cached(
        "SELECT body FROM error_events WHERE at BETWEEN ?1 AND ?2 AND fingerprint GLOB ?3 ORDER "
        "BY at DESC, rowid DESC LIMIT 20");
    recent.bind(1, ms(from)).bind(2, ms(to)).bind(3, glob);
    while (recent.step())
        stats.recent.push_back(event_from_record(nlohmann::json::parse(recent.text(0))));
    // At most 60 intervals of whole minutes over the range.
    const std::int64_t span = std::max<std::int64_t>(1, last - first + 1);
    stats.step = std::chrono::minutes((span + 59) / 60);
    stats.per_interval.assign(
        static_cast<std::size_t>((span + stats.step.count() - 1) / stats.step.count()), 0);
    auto& per_minute = db_.cached(
        "SELECT minute, sum(count) FROM error_counts WHERE minute BETWEEN ?1 AND ?2 AND "
        "fingerprint GLOB ?3 GROUP BY minute");
    per_minute.bind(1, first).bind(2, last).bind(3, glob);
    while (per_minute.step())
        stats.per_interval[static_cast<std::size_t>((per_minute.integer(0) - first) /
                                                    stats.step.count())] += per_minute.integer(1);
    return stats;
}

std::vector<std::int64_t> ErrorStore::counts(const std::string& fingerprint, TimePoint to,
                                             std::chrono::minutes step, std::size_t buckets) const {
    std::lock_guard lock(mutex_);
    std::vector<std::int64_t> out(buckets, 0);
    const std::int64_t first =
        minute_of(to) + 1 - static_cast<std::int64_t>(buckets) * step.count();
    auto& s = db_.cached(
        "SELECT minute, count FROM error_counts WHERE fingerprint = ? AND minute >= ? AND minute "
        "<= ?");
    s.bind(1, fingerprint).bind(2, first).bind(3, minute_of(to));
    while (s.step())
        out[static_cast<std::size_t>((s.integer(0) - first) / step.count())] += s.integer(1);
    return out;
}

std::vector<ErrorGroup> ErrorStore::set_status(const Glob& fingerprint, GroupStatus status,
                                               TimePoint now) {
    std::lock_guard lock(mutex_);
    Transaction transaction(db_);
    auto& s = db_.cached(
        "UPDATE error_groups SET status = ?1, resolved_at = CASE WHEN ?1 = 'resolved' THEN ?2 "
        "ELSE NULL END, regressed_at = CASE WHEN ?1 = 'resolved' THEN NULL ELSE regressed_at "
        "END WHERE fingerprint GLOB ?3 AND status != ?1 RETURNING fingerprint");
    s.bind(1, std::string_view(status_name(status)))
        .bind(2, ms(now))
        .bind(3, fingerprint.sqlite_glob());
    std::vector<std::string> changed;
    while (s.step()) changed.push_back(s.text(0));
    std::vector<ErrorGroup> out;
    for (const auto& f : changed) out.push_back(*group_locked(f));
    transaction.commit();
    return out;
}

std::size_t ErrorStore::expire(TimePoint before) {
    std::lock_guard lock(mutex_);
    Transaction transaction(db_);
    db_.cached("DELETE FROM error_events WHERE at < ?").bind(1, ms(before)).run();
    auto dropped = static_cast<std::size_t>(sqlite3_changes(db_.handle()));
    db_.cached("DELETE FROM error_counts WHERE minute < ?").bind(1, minute_of(before)).run();
    db_.cached(
           "DELETE FROM error_users WHERE fingerprint IN (SELECT fingerprint FROM error_groups "
           "WHERE last_seen < ?)")
        .bind(1, ms(before))
        .run();
    db_.cached("DELETE FROM error_groups WHERE last_seen < ?").bind(1, ms(before)).run();
    db_.exec(
        "UPDATE error_groups SET kept = (SELECT count(*) FROM error_events e WHERE "
        "e.fingerprint = error_groups.fingerprint)");
    transaction.commit();
    return dropped;
}

std::int64_t ErrorStore::kept_events() const {
    std::lock_guard lock(mutex_);
    auto& s = db_.cached("SELECT count(*) FROM error_events");
    std::int64_t n = s.step() ? s.integer(0) : 0;
    s.reset();
    return n;
}

}  // namespace stackwatch::errors
