#pragma once
// The connections behind a Server: listening sockets, an event loop that reads requests and
// writes answers, and the workers that run handlers. Only common/http_server.cpp uses it.

#include <memory>
#include <vector>

#include "common/http_server.hpp"

namespace stackwatch::http {

class Router;

class Transport {
  public:
    // Listens on every address at once; throws std::runtime_error naming one it cannot.
    Transport(const ServerOptions& options, const Router& router);
    ~Transport();
    Transport(const Transport&) = delete;
    Transport& operator=(const Transport&) = delete;

    // Closes every connection, then waits for handlers, streams and WebSockets to return.
    void stop();
    std::vector<int> ports() const;
    std::size_t open_connections() const;

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace stackwatch::http
