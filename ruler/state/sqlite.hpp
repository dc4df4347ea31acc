#pragma once
// A thin layer over sqlite3 for the ruler's state files: one connection in WAL mode, prepared
// statements with typed binds, and transactions that roll back when an exception leaves them.
// WAL with synchronous=NORMAL keeps every committed transaction across a killed process.

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stackwatch::ruler::sqlite {

class Database {
  public:
    // Creates the file and its directory when missing; throws std::runtime_error naming the path.
    explicit Database(const std::string& path);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(const char* sql) const;  // throws std::runtime_error with sqlite's message
    sqlite3* handle() const { return db_; }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    sqlite3* db_ = nullptr;
};

class Statement {
  public:
    Statement(const Database& db, const char* sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, double value);
    Statement& bind_null(int index);
    // One step: true while rows come; throws on an error. Resets itself after the last row.
    bool step();
    // Runs a statement that returns no rows, then resets it for the next binds.
    void run();

    std::string text(int column) const;
    std::int64_t integer(int column) const;
    double real(int column) const;
    bool is_null(int column) const;

  private:
    const Database& db_;
    sqlite3_stmt* stmt_ = nullptr;
};

class Transaction {
  public:
    explicit Transaction(const Database& db);
    ~Transaction();  // rolls back unless committed
    void commit();

  private:
    const Database& db_;
    bool done_ = false;
};

}  // namespace stackwatch::ruler::sqlite
