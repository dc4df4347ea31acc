#include "tests/live/live_events.hpp"

#include <hiredis/hiredis.h>

#include <future>
#include <stdexcept>
#include <string>
#include <vector>

namespace stackwatch::test {

bool make_deadlock(const PostgresServer& server) {
    {
        pqxx::connection setup(server.dsn());
        pqxx::nontransaction(setup).exec(
            "CREATE TABLE IF NOT EXISTS live_deadlock(id int PRIMARY KEY); "
            "INSERT INTO live_deadlock VALUES (1), (2) ON CONFLICT DO NOTHING");
    }
    std::promise<void> first_locked, second_locked;
    auto other = std::async(std::launch::async, [&] {
        pqxx::connection connection(server.dsn());
        try {
            pqxx::work tx(connection);
            tx.exec("UPDATE live_deadlock SET id = id WHERE id = 1");
            first_locked.set_value();
            second_locked.get_future().wait();
            tx.exec("UPDATE live_deadlock SET id = id WHERE id = 2");
            tx.commit();
            return false;
        } catch (const pqxx::deadlock_detected&) {
            return true;
        }
    });
    bool detected = false;
    pqxx::connection connection(server.dsn());
    try {
        pqxx::work tx(connection);
        first_locked.get_future().wait();
        tx.exec("UPDATE live_deadlock SET id = id WHERE id = 2");
        second_locked.set_value();
        // Each now holds the row the other asks for: whichever asks second closes the cycle.
        tx.exec("UPDATE live_deadlock SET id = id WHERE id = 1");
        tx.commit();
    } catch (const pqxx::deadlock_detected&) {
        detected = true;
    }
    return other.get() || detected;
}

OpenTransaction::OpenTransaction(const PostgresServer& server) : connection_(server.dsn()) {
    transaction_ = std::make_unique<pqxx::work>(connection_);
    transaction_->exec("SELECT txid_current()");  // a transaction id: it holds back the horizon
}

namespace {

// One connection, authenticated, for commands that must still work while Redis refuses others.
class HeldRedisConnection {
  public:
    explicit HeldRedisConnection(const RedisServer& server)
        : context_(redisConnect("127.0.0.1", server.port()), redisFree) {
        if (!context_ || context_->err) throw std::runtime_error("cannot connect to test Redis");
        run({"AUTH", server.password()});
    }
    std::string run(const std::vector<std::string>& args) {
        std::vector<const char*> argv;
        std::vector<size_t> lengths;
        for (const auto& a : args) {
            argv.push_back(a.data());
            lengths.push_back(a.size());
        }
        auto* reply = static_cast<redisReply*>(redisCommandArgv(
            context_.get(), static_cast<int>(argv.size()), argv.data(), lengths.data()));
        if (!reply) throw std::runtime_error("Redis connection lost");
        std::string text =
            reply->str ? std::string(reply->str, reply->len) : std::to_string(reply->integer);
        bool error = reply->type == REDIS_REPLY_ERROR;
        freeReplyObject(reply);
        if (error) throw std::runtime_error("Redis: " + text);
        return text;
    }

  private:
    std::unique_ptr<redisContext, decltype(&redisFree)> context_;
};

}  // namespace

void make_evictions(const RedisServer& server) {
    HeldRedisConnection redis(server);
    // Room for about 100 of the 250 values written: the rest must evict. Used memory that is no
    // key (buffers, the replication backlog) cannot be evicted, so the limit sits above it.
    std::string info = redis.run({"INFO", "memory"});
    auto at = info.find("used_memory:");
    if (at == std::string::npos) throw std::runtime_error("INFO memory without used_memory");
    long long used = std::stoll(info.substr(at + 12));
    redis.run({"CONFIG", "SET", "maxmemory-policy", "allkeys-random"});
    redis.run({"CONFIG", "SET", "maxmemory", std::to_string(used + 2'000'000)});
    std::string value(20000, 'x');
    for (int i = 0; i < 250; ++i) redis.run({"SET", "live:evict:" + std::to_string(i), value});
    redis.run({"CONFIG", "SET", "maxmemory", "64mb"});
    redis.run({"CONFIG", "SET", "maxmemory-policy", "noeviction"});
}

int make_rejected_connections(const RedisServer& server) {
    HeldRedisConnection redis(server);
    redis.run({"CONFIG", "SET", "maxclients", "1"});
    int refused = 0;
    for (int i = 0; i < 3; ++i) {
        try {
            server.command({"PING"});
        } catch (const std::exception&) {
            ++refused;
        }
    }
    redis.run({"CONFIG", "SET", "maxclients", "10000"});
    return refused;
}

}  // namespace stackwatch::test
