#pragma once
// A thin layer over sqlite3 for the ruler's state files: one connection in WAL mode, prepared
// statements with typed binds, and transactions that roll back when an exception leaves them.
// WAL with synchronous=NORMAL keeps every committed transaction across a killed process; the WAL
// is checkpointed off the committing threads (wal_checkpointer.hpp).

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace stackwatch::ruler::sqlite {

class Statement;

class Database {
  public:
    // Creates the file and its directory when missing; throws std::runtime_error naming the path.
    explicit Database(const std::string& path);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(const char* sql) const;  // throws std::runtime_error with sqlite's message
    // The statement for `sql`, prepared on first use and kept, reset and without binds: the
    // hot paths write on every notification and would otherwise parse their SQL each time.
    // Not for two uses at once; callers serialise on their own lock.
    Statement& cached(const char* sql) const;
    sqlite3* handle() const { return db_; }
    const std::string& path() const { return path_; }

  private:
    friend class Transaction;
    std::string path_;
    sqlite3* db_ = nullptr;
    mutable std::map<std::string, std::unique_ptr<Statement>, std::less<>> statements_;
    mutable int transaction_depth_ = 0;
    mutable bool inner_failed_ = false;
};

class Statement {
  public:
    Statement(const Database& db, const char* sql, bool persistent = false);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, double value);
    Statement& bind_null(int index);
    Statement& bind_blob(int index, std::string_view bytes);
    // One step: true while rows come; throws on an error. Resets itself after the last row.
    bool step();
    // Runs a statement that returns no rows, then resets it for the next binds.
    void run();
    void reset();  // back to the start, binds cleared

    std::string text(int column) const;
    std::string blob(int column) const;
    std::int64_t integer(int column) const;
    double real(int column) const;
    bool is_null(int column) const;

  private:
    const Database& db_;
    sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT. Inside another transaction of the same database it joins the
// outer one: its commit waits for the outer commit, and if it ends without committing (an
// exception) the outer commit rolls everything back and throws, so a batch is all or nothing.
class Transaction {
  public:
    explicit Transaction(const Database& db);
    ~Transaction();  // rolls back unless committed
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

  private:
    const Database& db_;
    bool outermost_;
    bool done_ = false;
};

}  // namespace stackwatch::ruler::sqlite
