#include "ruler/remote_write/write_buffer.hpp"

namespace stackwatch::remote_write {

WriteBuffer::WriteBuffer(const std::string& path) : db_(path) {
    db_.exec(
        "CREATE TABLE IF NOT EXISTS remote_write_batches("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  remote TEXT NOT NULL,"
        "  samples INTEGER NOT NULL,"
        "  highest_ms INTEGER NOT NULL,"
        "  bytes INTEGER NOT NULL,"
        "  body BLOB NOT NULL);"
        "CREATE INDEX IF NOT EXISTS remote_write_batches_by_remote"
        "  ON remote_write_batches(remote, id)");
}

std::size_t WriteBuffer::push(const std::string& remote, const BufferedBatch& batch,
                              std::size_t max_bytes) {
    std::lock_guard lock(mutex_);
    ruler::sqlite::Transaction tx(db_);
    db_.cached(
           "INSERT INTO remote_write_batches(remote, samples, highest_ms, bytes, body) "
           "VALUES (?, ?, ?, ?, ?)")
        .bind(1, remote)
        .bind(2, static_cast<std::int64_t>(batch.samples))
        .bind(3, static_cast<std::int64_t>(batch.highest))
        .bind(4, static_cast<std::int64_t>(batch.body.size()))
        .bind_blob(5, batch.body)
        .run();
    const std::int64_t added = sqlite3_last_insert_rowid(db_.handle());
    auto bytes =
        total("SELECT coalesce(sum(bytes), 0) FROM remote_write_batches WHERE remote = ?", remote);
    std::size_t dropped = 0;
    // The oldest batch may be in flight and the newest is what a dashboard misses first: the
    // ones between them go, oldest first, so what the remote gets stays in order.
    auto& oldest = db_.cached(
        "SELECT id, samples, bytes FROM remote_write_batches WHERE remote = ?1 AND id > "
        "(SELECT min(id) FROM remote_write_batches WHERE remote = ?1) ORDER BY id LIMIT 1");
    auto& remove = db_.cached("DELETE FROM remote_write_batches WHERE id = ?");
    while (bytes > max_bytes) {
        oldest.bind(1, remote);
        if (!oldest.step()) break;
        auto id = oldest.integer(0);
        auto samples = static_cast<std::size_t>(oldest.integer(1));
        auto size = static_cast<std::size_t>(oldest.integer(2));
        oldest.reset();
        if (id == added) break;
        remove.bind(1, id).run();
        bytes -= size;
        dropped += samples;
    }
    tx.commit();
    return dropped;
}

std::optional<BufferedBatch> WriteBuffer::oldest(const std::string& remote) const {
    std::lock_guard lock(mutex_);
    auto& select = db_.cached(
        "SELECT id, body, samples, highest_ms FROM remote_write_batches "
        "WHERE remote = ? ORDER BY id LIMIT 1");
    select.bind(1, remote);
    if (!select.step()) return std::nullopt;
    BufferedBatch batch{.id = select.integer(0),
                        .body = select.blob(1),
                        .samples = static_cast<std::size_t>(select.integer(2)),
                        .highest = select.integer(3)};
    select.reset();
    return batch;
}

void WriteBuffer::remove(std::int64_t id) {
    std::lock_guard lock(mutex_);
    db_.cached("DELETE FROM remote_write_batches WHERE id = ?").bind(1, id).run();
}

std::size_t WriteBuffer::samples(const std::string& remote) const {
    std::lock_guard lock(mutex_);
    return total("SELECT coalesce(sum(samples), 0) FROM remote_write_batches WHERE remote = ?",
                 remote);
}

std::size_t WriteBuffer::total(const char* sum_sql, const std::string& remote) const {
    auto& sum = db_.cached(sum_sql);
    sum.bind(1, remote);
    sum.step();
    auto n = static_cast<std::size_t>(sum.integer(0));
    sum.reset();
    return n;
}

}  // namespace stackwatch::remote_write
