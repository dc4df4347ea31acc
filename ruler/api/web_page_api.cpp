#include "ruler/api/web_page_api.hpp"

#include "ruler/api/web_assets.hpp"

namespace stackwatch::ruler {

void register_web_page(http::Server& server, std::shared_ptr<const http::Authenticator> auth) {
    for (const auto& asset : web_assets()) {
        server.route("GET", std::string(asset.path), [&asset](const http::Request&) {
            auto response = http::Response::text(std::string(asset.content), 200,
                                                 std::string(asset.content_type));
            // Only our own files run: no inline script, no CDN.
            response.headers = {{"Content-Security-Policy",
                                 "default-src 'self'; connect-src 'self'; img-src 'self' data:"},
                                {"X-Content-Type-Options", "nosniff"},
                                {"Cache-Control", "no-cache"}};
            return response;
        });
    }
    bool open = auth == nullptr;
    server.route(
        "GET", "/monitoring/whoami",
        [open](const http::Request& request) {
            if (open) return http::Response::json({{"name", "anonymous"}, {"role", "admin"}});
            return http::Response::json({{"name", request.principal->name},
                                         {"role", http::role_name(request.principal->role)}});
        },
        {.auth = auth, .role = http::Role::viewer});
}

}  // namespace stackwatch::ruler
