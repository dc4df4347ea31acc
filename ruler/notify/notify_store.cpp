#include "ruler/notify/notify_store.hpp"

#include <cstring>
#include <nlohmann/json.hpp>

#include "ruler/notify/records.hpp"

namespace stackwatch::notify {
namespace {

using nlohmann::json;
using ruler::sqlite::Statement;
using ruler::sqlite::Transaction;

std::string silence_record(const Silence& s) {
    json matchers = json::array();
    for (const auto& m : s.matchers)
        matchers.push_back(
            {{"name", m.name()}, {"value", m.value()}, {"type", static_cast<int>(m.type())}});
    return json{{"matchers", matchers},       {"startsAt", ticks(s.starts_at)},
                {"endsAt", ticks(s.ends_at)}, {"updatedAt", ticks(s.updated_at)},
                {"createdBy", s.created_by},  {"comment", s.comment}}
        .dump();
}

Silence silence_from(const std::string& id, const std::string& text) {
    auto in = json::parse(text);
    Silence s;
    s.id = id;
    for (const auto& m : in.at("matchers"))
        s.matchers.emplace_back(static_cast<MatchType>(m.at("type").get<int>()),
                                m.at("name").get<std::string>(), m.at("value").get<std::string>());
    s.starts_at = from_ticks(in.at("startsAt").get<std::int64_t>());
    s.ends_at = from_ticks(in.at("endsAt").get<std::int64_t>());
    s.updated_at = from_ticks(in.at("updatedAt").get<std::int64_t>());
    s.created_by = in.at("createdBy").get<std::string>();
    s.comment = in.at("comment").get<std::string>();
    return s;
}

void write_log(const ruler::sqlite::Database& db, const LogEntry& e) {
    db.cached(
          "INSERT INTO nflog (key, firing, resolved, at, expires) VALUES (?, ?, ?, ?, ?) "
          "ON CONFLICT(key) DO UPDATE SET firing = excluded.firing, resolved = excluded.resolved, "
          "at = excluded.at, expires = excluded.expires")
        .bind(1, e.key)
        .bind(2, json(e.firing).dump())
        .bind(3, json(e.resolved).dump())
        .bind(4, ticks(e.at))
        .bind(5, ticks(e.expires))
        .run();
}

constexpr const char* kOutboxColumns =
    "id, idempotency_key, receiver, integration, group_key, log_key, payload, created_at, "
    "attempts, "
    "next_attempt_at, last_error, state, data, fallback";

OutboxEntry outbox_row(const Statement& s) {
    OutboxEntry e;
    e.id = s.integer(0);
    e.idempotency_key = s.text(1);
    e.receiver = s.text(2);
    e.integration = s.text(3);
    e.group_key = s.text(4);
    e.log_key = s.text(5);
    e.payload = s.text(6);
    e.created_at = from_ticks(s.integer(7));
    e.attempts = static_cast<int>(s.integer(8));
    e.next_attempt_at = from_ticks(s.integer(9));
    e.last_error = s.text(10);
    e.state = static_cast<OutboxState>(s.integer(11));
    e.data = s.text(12);
    e.fallback = s.integer(13) != 0;
    return e;
}

// Fills in entry.id.
void insert_outbox(const ruler::sqlite::Database& db, OutboxEntry& entry) {
    db.cached(
          "INSERT INTO outbox (idempotency_key, receiver, integration, group_key, log_key, "
          "payload, created_at, attempts, next_attempt_at, last_error, state, data, fallback) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, '', 0, ?, ?)")
        .bind(1, entry.idempotency_key)
        .bind(2, entry.receiver)
        .bind(3, entry.integration)
        .bind(4, entry.group_key)
        .bind(5, entry.log_key)
        .bind(6, entry.payload)
        .bind(7, ticks(entry.created_at))
        .bind(8, ticks(entry.next_attempt_at))
        .bind(9, entry.data)
        .bind(10, std::int64_t{entry.fallback ? 1 : 0})
        .run();
    entry.id = sqlite3_last_insert_rowid(db.handle());
}

}  // namespace

NotifyStore::NotifyStore(const std::string& path) : db_(path) {
    db_.exec(
        "CREATE TABLE IF NOT EXISTS notify_alerts (fingerprint INTEGER PRIMARY KEY, record TEXT "
        "NOT NULL)");
    db_.exec("CREATE TABLE IF NOT EXISTS silences (id TEXT PRIMARY KEY, record TEXT NOT NULL)");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS nflog (key TEXT PRIMARY KEY, firing TEXT NOT NULL, resolved "
        "TEXT NOT NULL, "
        "at INTEGER NOT NULL, expires INTEGER NOT NULL)");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, idempotency_key "
        "TEXT NOT NULL, "
        "receiver TEXT NOT NULL, integration TEXT NOT NULL, group_key TEXT NOT NULL, log_key TEXT "
        "NOT NULL, "
        "payload TEXT NOT NULL, created_at INTEGER NOT NULL, attempts INTEGER NOT NULL, "
        "next_attempt_at INTEGER NOT NULL, last_error TEXT NOT NULL, state INTEGER NOT NULL)");
    db_.exec("CREATE INDEX IF NOT EXISTS outbox_state ON outbox (state, log_key)");
    // Columns added after the first release: a state file made before gets them here.
    for (const char* column :
         {"data TEXT NOT NULL DEFAULT ''", "fallback INTEGER NOT NULL DEFAULT 0"}) {
        std::string name(column, std::strchr(column, ' '));
        Statement& has =
            db_.cached("SELECT COUNT(*) FROM pragma_table_info('outbox') WHERE name = ?");
        has.bind(1, name);
        bool present = has.step() && has.integer(0) > 0;
        has.reset();
        if (!present) db_.exec(("ALTER TABLE outbox ADD COLUMN " + std::string(column)).c_str());
    }
}

void NotifyStore::save_alerts(const std::vector<SharedAlert>& alerts) {
    if (alerts.empty()) return;
    std::lock_guard lock(mutex_);
    Transaction t(db_);
    Statement& upsert =
        db_.cached("INSERT OR REPLACE INTO notify_alerts (fingerprint, record) VALUES (?, ?)");
    for (const auto& a : alerts)
        upsert.bind(1, static_cast<std::int64_t>(a->fingerprint()))
            .bind(2, alert_record(*a).dump())
            .run();
    t.commit();
}

void NotifyStore::delete_alerts(const std::vector<Fingerprint>& fingerprints) {
    if (fingerprints.empty()) return;
    std::lock_guard lock(mutex_);
    Transaction t(db_);
    Statement& remove = db_.cached("DELETE FROM notify_alerts WHERE fingerprint = ?");
    for (auto fp : fingerprints) remove.bind(1, static_cast<std::int64_t>(fp)).run();
    t.commit();
}

std::vector<Alert> NotifyStore::load_alerts() const {
    std::lock_guard lock(mutex_);
    Statement& all = db_.cached("SELECT record FROM notify_alerts");
    std::vector<Alert> out;
    while (all.step()) out.push_back(alert_from_record(json::parse(all.text(0))));
    return out;
}

void NotifyStore::save_silence(const Silence& silence) {
    std::lock_guard lock(mutex_);
    db_.cached("INSERT OR REPLACE INTO silences (id, record) VALUES (?, ?)")
        .bind(1, silence.id)
        .bind(2, silence_record(silence))
        .run();
}

void NotifyStore::delete_silences(const std::vector<std::string>& ids) {
    if (ids.empty()) return;
    std::lock_guard lock(mutex_);
    Transaction t(db_);
    Statement& remove = db_.cached("DELETE FROM silences WHERE id = ?");
    for (const auto& id : ids) remove.bind(1, id).run();
    t.commit();
}

std::vector<Silence> NotifyStore::load_silences() const {
    std::lock_guard lock(mutex_);
    Statement& all = db_.cached("SELECT id, record FROM silences");
    std::vector<Silence> out;
    while (all.step()) out.push_back(silence_from(all.text(0), all.text(1)));
    return out;
}

std::vector<LogEntry> NotifyStore::load_log() const {
    std::lock_guard lock(mutex_);
    Statement& all = db_.cached("SELECT key, firing, resolved, at, expires FROM nflog");
    std::vector<LogEntry> out;
    while (all.step())
        out.push_back({all.text(0), json::parse(all.text(1)).get<std::vector<Fingerprint>>(),
                       json::parse(all.text(2)).get<std::vector<Fingerprint>>(),
                       from_ticks(all.integer(3)), from_ticks(all.integer(4))});
    return out;
}

void NotifyStore::record(const LogEntry& entry) {
    std::lock_guard lock(mutex_);
    write_log(db_, entry);
}

std::pair<std::int64_t, std::vector<std::int64_t>> NotifyStore::enqueue(OutboxEntry& entry,
                                                                        const LogEntry& log) {
    std::lock_guard lock(mutex_);
    Transaction t(db_);
    std::vector<std::int64_t> superseded;
    Statement& older = db_.cached("SELECT id FROM outbox WHERE state = 0 AND log_key = ?");
    older.bind(1, entry.log_key);
    while (older.step()) superseded.push_back(older.integer(0));
    db_.cached("UPDATE outbox SET state = 3 WHERE state = 0 AND log_key = ?")
        .bind(1, entry.log_key)
        .run();
    insert_outbox(db_, entry);
    write_log(db_, log);
    t.commit();
    return {entry.id, superseded};
}

std::int64_t NotifyStore::enqueue_alone(OutboxEntry& entry) {
    std::lock_guard lock(mutex_);
    insert_outbox(db_, entry);
    return entry.id;
}

std::vector<OutboxEntry> NotifyStore::pending() const {
    std::lock_guard lock(mutex_);
    Statement& all = db_.cached(
        (std::string("SELECT ") + kOutboxColumns + " FROM outbox WHERE state = 0 ORDER BY id")
            .c_str());
    std::vector<OutboxEntry> out;
    while (all.step()) out.push_back(outbox_row(all));
    return out;
}

void NotifyStore::delivered(std::int64_t id, int attempts) {
    std::lock_guard lock(mutex_);
    // Delivered rows carry nothing the ruler reads again; dropping the payload keeps the file
    // small.
    db_.cached(
           "UPDATE outbox SET state = 1, attempts = ?, payload = '', data = '', last_error = '' "
           "WHERE id = ?")
        .bind(1, std::int64_t{attempts})
        .bind(2, id)
        .run();
}

void NotifyStore::retry_later(std::int64_t id, int attempts, TimePoint next,
                              const std::string& error) {
    std::lock_guard lock(mutex_);
    db_.cached("UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?")
        .bind(1, std::int64_t{attempts})
        .bind(2, ticks(next))
        .bind(3, error)
        .bind(4, id)
        .run();
}

bool NotifyStore::dead_letter(std::int64_t id, int attempts, const std::string& error) {
    std::lock_guard lock(mutex_);
    Transaction t(db_);
    db_.cached(
           "UPDATE outbox SET state = 2, attempts = ?, last_error = ? WHERE id = ? AND state = 0")
        .bind(1, std::int64_t{attempts})
        .bind(2, error)
        .bind(3, id)
        .run();
    if (sqlite3_changes(db_.handle()) == 0) return false;
    db_.cached(
           "DELETE FROM nflog WHERE key = (SELECT log_key FROM outbox WHERE id = ?1) AND NOT "
           "EXISTS "
           "(SELECT 1 FROM outbox o WHERE o.log_key = nflog.key AND o.id > ?1 AND o.state IN (0, "
           "1))")
        .bind(1, id)
        .run();
    t.commit();
    return true;
}

void NotifyStore::collect_garbage(TimePoint now, TimePoint before) {
    std::lock_guard lock(mutex_);
    Transaction t(db_);
    db_.cached("DELETE FROM nflog WHERE expires <= ?").bind(1, ticks(now)).run();
    db_.cached("DELETE FROM outbox WHERE state IN (1, 3) AND created_at < ?")
        .bind(1, ticks(before))
        .run();
    t.commit();
}

std::vector<OutboxEntry> NotifyStore::dead_letters(std::size_t limit) const {
    std::lock_guard lock(mutex_);
    Statement& all = db_.cached((std::string("SELECT ") + kOutboxColumns +
                                 " FROM outbox WHERE state = 2 ORDER BY id DESC LIMIT ?")
                                    .c_str());
    all.bind(1, static_cast<std::int64_t>(limit));
    std::vector<OutboxEntry> out;
    while (all.step()) out.push_back(outbox_row(all));
    return out;
}

std::size_t NotifyStore::count(OutboxState state) const {
    std::lock_guard lock(mutex_);
    Statement& c = db_.cached("SELECT COUNT(*) FROM outbox WHERE state = ?");
    c.bind(1, static_cast<std::int64_t>(state));
    std::size_t n = 0;
    if (c.step()) n = static_cast<std::size_t>(c.integer(0));
    while (c.step()) {
    }
    return n;
}

}  // namespace stackwatch::notify
