#include "ruler/state/sqlite.hpp"

#include <filesystem>
#include <stdexcept>

#include "ruler/state/wal_checkpointer.hpp"

namespace stackwatch::ruler::sqlite {
namespace {

int on_wal_commit(void* database, sqlite3* db, const char*, int pages) {
    WalCheckpointer::instance().committed(static_cast<const Database*>(database)->path(), db,
                                          pages);
    return SQLITE_OK;
}

}  // namespace

Database::Database(const std::string& path) : path_(path) {
    auto parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
        std::string error = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw std::runtime_error("cannot open state file " + path + ": " + error);
    }
    // Another connection (the other store on the same file) may hold the write lock briefly.
    sqlite3_busy_timeout(db_, 5000);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec("PRAGMA wal_autocheckpoint=0");
    // The log may grow to WalCheckpointer::kInlinePages under a burst; once it starts again,
    // what is past 4 MiB of it goes back to the disk.
    exec("PRAGMA journal_size_limit=4194304");
    sqlite3_wal_hook(db_, on_wal_commit, this);
}

Database::~Database() {
    statements_.clear();  // sqlite3_close refuses while statements are alive
    sqlite3_close(db_);
}

void Database::exec(const char* sql) const {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw std::runtime_error("state file " + path_ + ": " + message);
    }
}

Statement& Database::cached(const char* sql) const {
    auto found = statements_.find(std::string_view(sql));
    if (found == statements_.end())
        found = statements_.emplace(sql, std::make_unique<Statement>(*this, sql, true)).first;
    found->second->reset();
    return *found->second;
}

Statement::Statement(const Database& db, const char* sql, bool persistent) : db_(db) {
    if (sqlite3_prepare_v3(db.handle(), sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0, &stmt_,
                           nullptr) != SQLITE_OK)
        throw std::runtime_error("state file " + db.path() + ": " + sqlite3_errmsg(db.handle()));
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
}
Statement& Statement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
}
Statement& Statement::bind(int index, double value) {
    sqlite3_bind_double(stmt_, index, value);
    return *this;
}
Statement& Statement::bind_null(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
}
Statement& Statement::bind_blob(int index, std::string_view bytes) {
    sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    sqlite3_reset(stmt_);
    if (rc != SQLITE_DONE)
        throw std::runtime_error("state file " + db_.path() + ": " + sqlite3_errmsg(db_.handle()));
    return false;
}

void Statement::run() {
    while (step()) {
    }
    sqlite3_clear_bindings(stmt_);
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int column) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
}
std::string Statement::blob(int column) const {
    auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
}
std::int64_t Statement::integer(int column) const {
    return sqlite3_column_int64(stmt_, column);
}
double Statement::real(int column) const {
    return sqlite3_column_double(stmt_, column);
}
bool Statement::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Transaction::Transaction(const Database& db) : db_(db), outermost_(db.transaction_depth_ == 0) {
    if (outermost_) {
        db_.exec("BEGIN IMMEDIATE");
        db_.inner_failed_ = false;
    }
    ++db_.transaction_depth_;
}

Transaction::~Transaction() {
    --db_.transaction_depth_;
    if (done_) return;
    if (outermost_)
        sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    else
        db_.inner_failed_ = true;
}

void Transaction::commit() {
    if (!outermost_) {
        done_ = true;
        return;
    }
    if (db_.inner_failed_)
        throw std::runtime_error("state file " + db_.path() +
                                 ": a write of the transaction failed; nothing was committed");
    db_.exec("COMMIT");
    done_ = true;
}

}  // namespace stackwatch::ruler::sqlite
