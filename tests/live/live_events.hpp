#pragma once
// The events some panels and alerts wait for, made for real on the live servers: a deadlock, a
// long open transaction, Redis evicting keys and refusing connections.

#include <memory>
#include <pqxx/pqxx>

#include "tests/support/postgres_server.hpp"
#include "tests/support/redis_server.hpp"

namespace stackwatch::test {

// Two transactions that each lock a row the other wants; PostgreSQL aborts one of them after
// deadlock_timeout. Returns once it has (true) or neither was chosen (false).
bool make_deadlock(const PostgresServer& server);

// A transaction left open ("idle in transaction") until this object goes.
class OpenTransaction {
  public:
    explicit OpenTransaction(const PostgresServer& server);

  private:
    pqxx::connection connection_;
    std::unique_ptr<pqxx::work> transaction_;
};

// maxmemory lowered below what is used, with an evicting policy, and keys written until Redis
// reports evictions; the limit and policy are put back after.
void make_evictions(const RedisServer& server);

// maxclients lowered to the connections already open, new connections refused, and the limit put
// back through a connection held throughout. Returns how many were refused.
int make_rejected_connections(const RedisServer& server);

}  // namespace stackwatch::test
