#pragma once
// A throwaway Redis with a password on a free 127.0.0.1 port, its files in a temp dir, no
// persistence. One per test binary via shared_redis(). A server can also replicate another.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace stackwatch::test {

class RedisServer {
  public:
    RedisServer() : RedisServer(nullptr) {}
    // A replica of `primary` (same password) when it is given.
    explicit RedisServer(const RedisServer* primary);
    ~RedisServer();
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    void start();
    void stop();
    bool running() const { return pid_ > 0; }

    int port() const { return port_; }
    const std::string& password() const { return password_; }
    std::string address() const { return "redis://127.0.0.1:" + std::to_string(port_); }
    std::filesystem::path pid_file() const { return dir_ / "redis.pid"; }
    pid_t pid() const { return pid_; }
    std::string log() const;

    // Runs one command (arguments as separate strings) and returns the reply as text.
    std::string command(const std::vector<std::string>& args) const;

  private:
    std::filesystem::path dir_;
    std::string password_ = "redis-test-secret";
    int primary_port_ = 0;  // 0 unless a replica
    int port_ = 0;
    pid_t pid_ = -1;
};

RedisServer& shared_redis();

}  // namespace stackwatch::test
