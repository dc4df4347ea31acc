#include "exporter/redis/redis_connection.hpp"

#include <poll.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>

namespace stackwatch::exporter::redis {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
    return {static_cast<time_t>(ms.count() / 1000),
            static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

// hiredis 0.14 sends with write(), so a server that closed the connection would raise SIGPIPE
// and kill the exporter instead of failing one scrape.
void ignore_sigpipe() {
    static std::once_flag once;
    std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

}  // namespace

RedisConnection::RedisConnection(const RedisEndpoint& endpoint, Deadline deadline)
    : peer_(endpoint.display()) {
    ignore_sigpipe();
    auto left = deadline.remaining();
    if (left.count() <= 0)
        throw RedisDeadlineError("deadline passed before connecting to " + peer_);
    redisContext* raw =
        endpoint.transport == RedisEndpoint::Transport::unix_socket
            ? redisConnectUnixWithTimeout(endpoint.path.c_str(), to_timeval(left))
            : redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, to_timeval(left));
    if (raw == nullptr) throw RedisIoError("cannot allocate a Redis connection");
    context_.reset(raw);
    if (raw->err) throw RedisIoError("cannot connect to " + peer_ + ": " + raw->errstr);
}

void RedisConnection::wait_for(short events, Deadline deadline, const char* what) {
    pollfd fd{context_->fd, events, 0};
    while (true) {
        auto left = deadline.remaining();
        if (left.count() <= 0)
            throw RedisDeadlineError(std::string("deadline passed ") + what + " " + peer_);
        int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
        if (ready > 0) return;
        if (ready < 0 && errno != EINTR)
            throw RedisIoError(std::string("poll failed ") + what + " " + peer_ + ": " +
                               std::strerror(errno));
    }
}

std::vector<Reply> RedisConnection::pipeline(const std::vector<Command>& commands,
                                             Deadline deadline) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& command : commands) {
        argv.clear();
        lengths.clear();
        for (const auto& arg : command) {
            argv.push_back(arg.data());
            lengths.push_back(arg.size());
        }
        if (redisAppendCommandArgv(context_.get(), static_cast<int>(argv.size()), argv.data(),
                                   lengths.data()) != REDIS_OK)
            throw RedisIoError("cannot queue a command for " + peer_);
    }
    int written = 0;
    while (!written) {
        wait_for(POLLOUT, deadline, "sending to");
        if (redisBufferWrite(context_.get(), &written) != REDIS_OK)
            throw RedisIoError("cannot send to " + peer_ + ": " + context_->errstr);
    }
    std::vector<Reply> replies;
    replies.reserve(commands.size());
    while (replies.size() < commands.size()) {
        void* raw = nullptr;
        if (redisGetReplyFromReader(context_.get(), &raw) != REDIS_OK)
            throw RedisIoError("bad reply from " + peer_ + ": " + context_->errstr);
        if (raw != nullptr) {
            replies.emplace_back(static_cast<redisReply*>(raw));
            continue;
        }
        wait_for(POLLIN, deadline, "waiting for a reply from");
        if (redisBufferRead(context_.get()) != REDIS_OK)
            throw RedisIoError("connection to " + peer_ + " lost: " + context_->errstr);
    }
    return replies;
}

std::string reply_string(const redisReply& reply) {
    switch (reply.type) {
        case REDIS_REPLY_STRING:
        case REDIS_REPLY_STATUS:
        case REDIS_REPLY_ERROR:
            return std::string(reply.str, reply.len);
        default:
            return "";
    }
}

bool is_error(const redisReply& reply) {
    return reply.type == REDIS_REPLY_ERROR;
}

}  // namespace stackwatch::exporter::redis
