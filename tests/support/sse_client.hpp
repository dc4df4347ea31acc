#pragma once
// A server-sent events client on its own thread, for the ruler's /monitoring/events: everything
// that arrives is kept and parsed into events on demand.

#include <curl/curl.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace stackwatch::test {

struct SseEvent {
    std::uint64_t id = 0;
    std::string type;
    nlohmann::json data;
};

// A streaming client on its own thread: everything that arrives is kept and parsed into events.
class SseClient {
  public:
    SseClient(std::string url, std::vector<std::string> headers) {
        thread_ = std::thread([this, url = std::move(url), headers = std::move(headers)] {
            CURL* curl = curl_easy_init();
            curl_slist* list = nullptr;
            for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
            curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
            curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
            curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &SseClient::on_data);
            curl_easy_setopt(curl, CURLOPT_WRITEDATA, this);
            curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
            curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &SseClient::on_progress);
            curl_easy_setopt(curl, CURLOPT_XFERINFODATA, this);
            curl_easy_perform(curl);
            long status = 0;
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
            status_ = static_cast<int>(status);
            curl_slist_free_all(list);
            curl_easy_cleanup(curl);
            finished_ = true;
        });
    }
    ~SseClient() { close(); }
    void close() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    std::vector<SseEvent> events() const {
        std::lock_guard lock(mutex_);
        std::vector<SseEvent> out;
        std::size_t start = 0, end = 0;
        while ((end = text_.find("\n\n", start)) != std::string::npos) {
            SseEvent e;
            std::string block = text_.substr(start, end - start);
            start = end + 2;
            std::size_t line_start = 0;
            while (line_start < block.size()) {
                auto line_end = block.find('\n', line_start);
                if (line_end == std::string::npos) line_end = block.size();
                auto line = block.substr(line_start, line_end - line_start);
                line_start = line_end + 1;
                if (line.starts_with("id: ")) e.id = std::stoull(line.substr(4));
                if (line.starts_with("event: ")) e.type = line.substr(7);
                if (line.starts_with("data: ")) e.data = nlohmann::json::parse(line.substr(6));
            }
            if (!e.type.empty()) out.push_back(std::move(e));
        }
        return out;
    }
    // The first event of this type (and, for alerts, transition) after index `from`.
    std::optional<SseEvent> find(const std::string& type,
                                 const std::string& transition = "") const {
        for (const auto& e : events())
            if (e.type == type &&
                (transition.empty() || e.data.value("transition", "") == transition))
                return e;
        return std::nullopt;
    }
    int status() const { return status_; }
    bool finished() const { return finished_; }
    std::string text() const {
        std::lock_guard lock(mutex_);
        return text_;
    }

  private:
    static size_t on_data(char* data, size_t size, size_t n, void* self) {
        auto* client = static_cast<SseClient*>(self);
        std::lock_guard lock(client->mutex_);
        client->text_.append(data, size * n);
        return size * n;
    }
    static int on_progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
        return static_cast<SseClient*>(self)->stop_.load() ? 1 : 0;
    }
    mutable std::mutex mutex_;
    std::string text_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> finished_{false};
    std::atomic<int> status_{0};
    std::thread thread_;
};

}  // namespace stackwatch::test
