#pragma once
// A pqxx connection whose connect honours a deadline (libpq's connect_timeout has a 2 s floor
// and whole-second steps) and that never reconnects behind our back: once it breaks it stays
// broken, so the owner decides when and how fast to reconnect.

#include <libpq-fe.h>

#include <chrono>
#include <pqxx/pqxx>
#include <string>

namespace stackwatch::exporter::postgres {

class BoundedConnectPolicy : public pqxx::connectionpolicy {
  public:
    BoundedConnectPolicy(const std::string& conninfo,
                         std::chrono::steady_clock::time_point deadline)
        : pqxx::connectionpolicy(conninfo), deadline_(deadline) {}

    handle do_startconnect(handle orig) override;
    PGconn* connection() const { return connection_; }

  private:
    std::chrono::steady_clock::time_point deadline_;
    PGconn* connection_ = nullptr;
    bool started_ = false;
};

class BoundedConnection : public pqxx::connection_base {
  public:
    // Throws pqxx::broken_connection (message without secrets) when the server cannot be reached
    // before the deadline.
    BoundedConnection(const std::string& conninfo, std::chrono::steady_clock::time_point deadline);
    ~BoundedConnection() noexcept { close(); }
    BoundedConnection(const BoundedConnection&) = delete;
    BoundedConnection& operator=(const BoundedConnection&) = delete;
    // libpq's own handle, for what libpqxx 6.4 does not offer (pipeline mode). Valid as long as
    // this connection lives; used only while libpqxx has nothing in flight on it.
    PGconn* handle() const { return policy_.connection(); }

  private:
    // Declared after the base on purpose, as in pqxx's own basic_connection_base: the base only
    // keeps a reference until init() runs.
    BoundedConnectPolicy policy_;
};

}  // namespace stackwatch::exporter::postgres
