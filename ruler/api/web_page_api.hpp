#pragma once
// The on-call page at / (its files are public: they hold no data, and every call they make is
// authenticated), and GET /monitoring/whoami, which tells the page who it acts as and so which
// buttons to show.

#include <memory>

#include "common/http_server.hpp"

namespace stackwatch::ruler {

void register_web_page(http::Server& server, std::shared_ptr<const http::Authenticator> auth);

}  // namespace stackwatch::ruler
