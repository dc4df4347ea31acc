#pragma once
// Remote-write batches on disk, oldest first: each batch is written here before its first
// attempt and removed once the remote took it (or refused it for good), so a remote's outage of
// minutes, a restart or a killed ruler loses nothing that was batched, and the remote still gets
// every series' samples in order. Bounded in bytes per remote: past the bound its oldest batches
// but the one being sent go, and are counted as dropped.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "ruler/promql/value.hpp"
#include "ruler/state/sqlite.hpp"

namespace stackwatch::remote_write {

struct BufferedBatch {
    std::int64_t id = 0;
    std::string body;  // the request body, protobuf and snappy, as it is sent
    std::size_t samples = 0;
    promql::Timestamp highest = 0;  // the newest sample's timestamp
};

class WriteBuffer {
  public:
    // A sqlite file, made when missing; ":memory:" keeps the batches for this process only.
    // Throws std::runtime_error naming the path.
    explicit WriteBuffer(const std::string& path);

    // Adds a batch for `remote` after its others; returns how many samples of its older
    // batches (never the oldest, which may be in flight) were dropped to keep the remote's
    // batches within max_bytes.
    std::size_t push(const std::string& remote, const BufferedBatch& batch, std::size_t max_bytes);
    std::optional<BufferedBatch> oldest(const std::string& remote) const;
    void remove(std::int64_t id);
    std::size_t samples(const std::string& remote) const;  // waiting for `remote`
    // False for ":memory:": its batches end with the process.
    bool persistent() const { return db_.path() != ":memory:"; }

  private:
    // The one value of a sum over one remote's batches; the caller holds the lock.
    std::size_t total(const char* sum_sql, const std::string& remote) const;

    ruler::sqlite::Database db_;
    mutable std::mutex mutex_;
};

}  // namespace stackwatch::remote_write
