#include "ruler/api/notifications_api.hpp"

#include <nlohmann/json.hpp>

#include "common/time_format.hpp"

namespace stackwatch::ruler {

using nlohmann::json;

void register_notifications_api(http::Server& server, notify::NotificationManager& manager,
                                std::shared_ptr<const http::Authenticator> token) {
    notify::NotificationManager* m = &manager;
    server.route(
        "GET", "/api/v1/notifications/dead-letters",
        [m](const http::Request& request) {
            std::size_t limit = 100;
            if (auto text = request.query_param("limit")) {
                try {
                    std::size_t used = 0;
                    limit = std::stoul(*text, &used);
                    if (used != text->size() || limit == 0 || limit > 10000)
                        throw std::out_of_range("");
                } catch (const std::exception&) {
                    return http::Response::json(
                        json{{"error", "limit must be a whole number from 1 to 10000"}}, 400);
                }
            }
            json letters = json::array();
            for (const auto& e : m->dead_letters(limit))
                letters.push_back({{"id", e.id},
                                   {"receiver", e.receiver},
                                   {"integration", e.integration},
                                   {"groupKey", e.group_key},
                                   {"idempotencyKey", e.idempotency_key},
                                   {"attempts", e.attempts},
                                   {"lastError", e.last_error},
                                   {"createdAt", rfc3339_nano(e.created_at)},
                                   {"fallback", e.fallback}});
            return http::Response::json(
                {{"deadLetters", std::move(letters)}, {"outboxPending", m->outbox_pending()}});
        },
        {.auth = token});
}

}  // namespace stackwatch::ruler
