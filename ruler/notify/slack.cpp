#include "ruler/notify/slack.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/logging.hpp"

namespace stackwatch::notify {
namespace {

using nlohmann::ordered_json;

constexpr std::size_t kMaxTitleRunes = 1024;

// notify.TruncateInRunes: at most n code points, the last one an ellipsis when cut.
std::string truncate_runes(const std::string& text, std::size_t n) {
    std::size_t runes = 0, cut = std::string::npos;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
        if (runes == n - 1) cut = i;
        if (++runes > n) return text.substr(0, cut) + "\u2026";
    }
    return text;
}

void put_if_set(ordered_json& object, const char* key, const std::string& value) {
    if (!value.empty()) object[key] = value;
}

}  // namespace

std::string SlackNotifier::render(const NotificationData& data) const {
    auto text = [&](const std::string& field) {
        return templates_->execute_best_effort(field, data);
    };
    ordered_json attachment = ordered_json::object();
    put_if_set(attachment, "title", truncate_runes(text(config_.title), kMaxTitleRunes));
    put_if_set(attachment, "title_link", text(config_.title_link));
    put_if_set(attachment, "pretext", text(config_.pretext));
    attachment["text"] = text(config_.text);
    attachment["fallback"] = text(config_.fallback);
    attachment["callback_id"] = text(config_.callback_id);
    if (!config_.fields.empty()) {
        ordered_json fields = ordered_json::array();
        for (const auto& f : config_.fields) {
            ordered_json field = ordered_json::object();
            put_if_set(field, "title", text(f.title));
            put_if_set(field, "value", text(f.value));
            field["short"] = f.is_short.value_or(config_.short_fields);
            fields.push_back(std::move(field));
        }
        attachment["fields"] = std::move(fields);
    }
    if (!config_.actions.empty()) {
        ordered_json actions = ordered_json::array();
        for (const auto& a : config_.actions) {
            ordered_json action = ordered_json::object();
            put_if_set(action, "type", text(a.type));
            put_if_set(action, "text", text(a.text));
            put_if_set(action, "url", text(a.url));
            put_if_set(action, "style", text(a.style));
            put_if_set(action, "name", text(a.name));
            put_if_set(action, "value", text(a.value));
            if (a.confirm) {
                ordered_json confirm = ordered_json::object();
                put_if_set(confirm, "text", text(a.confirm->text));
                put_if_set(confirm, "title", text(a.confirm->title));
                put_if_set(confirm, "ok_text", text(a.confirm->ok_text));
                put_if_set(confirm, "dismiss_text", text(a.confirm->dismiss_text));
                action["confirm"] = std::move(confirm);
            }
            actions.push_back(std::move(action));
        }
        attachment["actions"] = std::move(actions);
    }
    put_if_set(attachment, "image_url", text(config_.image_url));
    put_if_set(attachment, "thumb_url", text(config_.thumb_url));
    attachment["footer"] = text(config_.footer);
    put_if_set(attachment, "color", text(config_.color));
    attachment["mrkdwn_in"] = config_.mrkdwn_in.empty()
                                  ? std::vector<std::string>{"fallback", "pretext", "text"}
                                  : config_.mrkdwn_in;
    ordered_json request = ordered_json::object();
    put_if_set(request, "channel", text(config_.channel));
    put_if_set(request, "username", text(config_.username));
    put_if_set(request, "icon_emoji", text(config_.icon_emoji));
    put_if_set(request, "icon_url", text(config_.icon_url));
    if (config_.link_names) request["link_names"] = true;
    request["attachments"] = ordered_json::array({std::move(attachment)});
    return request.dump();
}

DeliveryResult SlackNotifier::deliver(const std::string& payload,
                                      const std::string& idempotency_key) const {
    std::string url = config_.api_url;
    if (url.empty()) {
        std::ifstream in(config_.api_url_file);
        std::stringstream content;
        content << in.rdbuf();
        url = content.str();
        url.erase(0, url.find_first_not_of(" \t\r\n"));
        url.erase(url.find_last_not_of(" \t\r\n") + 1);
        if (!in || url.empty()) {
            // A secret file may be written back by the next attempt.
            return {.retry = true, .error = "cannot read api_url_file " + config_.api_url_file};
        }
    }
    return post({.url = url, .body = payload, .idempotency_key = idempotency_key},
                config_.http_config);
}

}  // namespace stackwatch::notify
