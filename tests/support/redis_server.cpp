#include "tests/support/redis_server.hpp"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/wait.h>

#include <memory>
#include <stdexcept>
#include <thread>

#include "tests/support/ports.hpp"
#include "tests/support/process.hpp"

namespace stackwatch::test {
namespace {

std::string reply_text(const redisReply* reply) {
    switch (reply->type) {
        case REDIS_REPLY_STRING:
        case REDIS_REPLY_STATUS:
        case REDIS_REPLY_ERROR:
            return std::string(reply->str, reply->len);
        case REDIS_REPLY_INTEGER:
            return std::to_string(reply->integer);
        case REDIS_REPLY_NIL:
            return "";
        case REDIS_REPLY_ARRAY: {
            std::string out;
            for (size_t i = 0; i < reply->elements; ++i) {
                if (i) out += "\n";
                out += reply_text(reply->element[i]);
            }
            return out;
        }
        default:
            return "";
    }
}

}  // namespace

RedisServer::RedisServer(const RedisServer* primary) {
    if (primary) {
        password_ = primary->password();
        primary_port_ = primary->port();
    }
    dir_ = make_temp_dir("stackwatch-redis");
    port_ = free_port();
    start();
}

RedisServer::~RedisServer() {
    stop();
    remove_dir(dir_);
}

std::string RedisServer::log() const {
    return read_tail(dir_ / "redis.log", 4000);
}

void RedisServer::start() {
    if (pid_ > 0) return;
    std::vector<std::string> argv = {
        "redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1", "--requirepass",
        password_, "--dir", dir_.string(), "--save", "", "--appendonly", "no", "--daemonize", "no",
        "--pidfile", pid_file().string(), "--logfile", (dir_ / "redis.log").string(),
        "--enable-debug-command", "yes", "--latency-tracking", "yes",
        // A replica's first sync starts at once, not after 5 s.
        "--repl-diskless-sync-delay", "0"};
    if (primary_port_ != 0) {
        argv.insert(argv.end(), {"--replicaof", "127.0.0.1", std::to_string(primary_port_),
                                 "--masterauth", password_});
    }
    pid_ = spawn(argv);
    guard_pid(pid_);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (true) {
        try {
            if (command({"PING"}) == "PONG") return;
        } catch (const std::exception&) {
        }
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            unguard_pid(pid_);
            pid_ = -1;
            throw std::runtime_error("redis-server exited during start-up:\n" + log());
        }
        if (std::chrono::steady_clock::now() > deadline) {
            stop();
            throw std::runtime_error("redis-server did not answer PING within 30 s:\n" + log());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

void RedisServer::stop() {
    if (pid_ <= 0) return;
    stop_process(pid_, SIGTERM, std::chrono::seconds(10));
    unguard_pid(pid_);
    pid_ = -1;
}

std::string RedisServer::command(const std::vector<std::string>& args) const {
    timeval timeout{5, 0};
    std::unique_ptr<redisContext, decltype(&redisFree)> ctx(
        redisConnectWithTimeout("127.0.0.1", port_, timeout), redisFree);
    if (!ctx || ctx->err) throw std::runtime_error("cannot connect to test Redis");
    redisSetTimeout(ctx.get(), timeout);
    auto run = [&](const std::vector<std::string>& argv) {
        std::vector<const char*> ptrs;
        std::vector<size_t> lens;
        for (const auto& a : argv) {
            ptrs.push_back(a.data());
            lens.push_back(a.size());
        }
        auto* reply = static_cast<redisReply*>(
            redisCommandArgv(ctx.get(), static_cast<int>(argv.size()), ptrs.data(), lens.data()));
        if (reply == nullptr) throw std::runtime_error("Redis command failed: connection lost");
        std::string text = reply_text(reply);
        bool is_error = reply->type == REDIS_REPLY_ERROR;
        freeReplyObject(reply);
        if (is_error) throw std::runtime_error("Redis error: " + text);
        return text;
    };
    run({"AUTH", password_});
    return run(args);
}

RedisServer& shared_redis() {
    static std::unique_ptr<RedisServer> server = std::make_unique<RedisServer>();
    return *server;
}

}  // namespace stackwatch::test
