#include "ruler/state/wal_checkpointer.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <string>

#include "ruler/state/sqlite.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/process.hpp"

using namespace std::chrono_literals;
using stackwatch::ruler::sqlite::Database;
using stackwatch::ruler::sqlite::Transaction;
using stackwatch::ruler::sqlite::WalCheckpointer;
namespace test = stackwatch::test;

namespace {

constexpr std::uintmax_t kPageSize = 4096;  // sqlite's default on Linux

// One transaction of `bytes` of new rows.
void write(Database& db, std::size_t bytes) {
    Transaction t(db);
    db.cached("INSERT INTO blobs (body) VALUES (?)").bind(1, std::string(bytes, 'x')).run();
    t.commit();
}

std::uintmax_t wal_size(const std::filesystem::path& db) {
    std::error_code ec;
    auto size = std::filesystem::file_size(db.string() + "-wal", ec);
    return ec ? 0 : size;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wal_checkpointer)

BOOST_AUTO_TEST_CASE(the_log_is_checkpointed_off_the_committing_thread_and_stays_bounded) {
    auto dir = test::make_temp_dir("stackwatch-wal");
    auto path = dir / "state.db";
    Database db(path.string());
    db.exec("CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB)");
    auto& checkpointer = WalCheckpointer::instance();
    auto before = checkpointer.checkpoints();

    // Past the threshold once: the checkpointer's thread, not this one, checkpoints.
    constexpr std::size_t kCommit = 64 * 1024;
    std::uintmax_t written = 0;
    while (written < WalCheckpointer::kCheckpointPages * kPageSize * 2) {
        write(db, kCommit);
        written += kCommit;
    }
    BOOST_TEST(test::eventually([&] { return checkpointer.checkpoints() > before; }, 10s));

    // Twice what the inline limit allows: the log is reused after checkpoints, never larger
    // than that limit and one commit (without checkpoints it would hold all of it).
    const std::uintmax_t bound =
        (WalCheckpointer::kInlinePages + kCommit / kPageSize + 8) * (kPageSize + 24) + 32;
    std::uintmax_t largest = 0;
    for (std::uintmax_t more = 0; more < 2 * WalCheckpointer::kInlinePages * kPageSize;
         more += kCommit) {
        write(db, kCommit);
        largest = std::max(largest, wal_size(path));
    }
    BOOST_TEST(largest <= bound, "largest WAL " << largest << " bytes, bound " << bound);
    BOOST_TEST(largest > 0u);

    Database reader(path.string());
    stackwatch::ruler::sqlite::Statement count(reader, "SELECT COUNT(*) FROM blobs");
    BOOST_REQUIRE(count.step());
    BOOST_TEST(count.integer(0) > 0);
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
