#pragma once
// One hiredis connection whose every wait is bounded by a Deadline. hiredis 0.14's own timeouts
// apply per socket call, so a server that answers slowly could hold a blocking read past the
// scrape deadline; here the socket is only read after poll() says data is there, and poll() never
// waits longer than the time left. A connection that missed a deadline is closed, because a late
// reply would otherwise be taken as the answer to the next command.

#include <hiredis/hiredis.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "exporter/redis/redis_address.hpp"
#include "exporter/target.hpp"

namespace stackwatch::exporter::redis {

struct ReplyDeleter {
    void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;
using Command = std::vector<std::string>;

// I/O failures and deadline expiry; the connection is unusable afterwards.
class RedisIoError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The deadline ran out while waiting on the server; retrying within it is pointless.
class RedisDeadlineError : public RedisIoError {
  public:
    using RedisIoError::RedisIoError;
};

class RedisConnection {
  public:
    // Connects within the deadline; throws RedisIoError.
    RedisConnection(const RedisEndpoint& endpoint, Deadline deadline);

    // Sends every command in one write and reads one reply per command: one round trip.
    // Error replies are returned as replies (REDIS_REPLY_ERROR), not thrown.
    std::vector<Reply> pipeline(const std::vector<Command>& commands, Deadline deadline);

  private:
    void wait_for(short events, Deadline deadline, const char* what);
    struct ContextDeleter {
        void operator()(redisContext* context) const { redisFree(context); }
    };
    std::unique_ptr<redisContext, ContextDeleter> context_;
    std::string peer_;
};

// Helpers for reading replies without repeating hiredis' type checks.
std::string reply_string(const redisReply& reply);  // string, status or error text; "" otherwise
bool is_error(const redisReply& reply);

}  // namespace stackwatch::exporter::redis
