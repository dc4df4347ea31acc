// bench/events: holds SUBSCRIBERS server-sent-event streams of /monitoring/events open at once
// (raw sockets under epoll, one thread), posts ALERTS new alerts, and measures for every
// subscriber how long each alert's event took from just before its POST to its arrival.
//
//   stackwatch_bench_sse_fanout HOST PORT SUBSCRIBERS ALERTS
// Prints "connected N", then one line "latency_ms p50 p99 max received expected".

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "bench/epoch_ns.hpp"
#include "common/http_client.hpp"

namespace {

std::size_t resnapshots = 0;  // snapshots after the first: a subscriber that fell behind

struct Subscriber {
    int fd = -1;
    std::string buffer;
    bool ready = false;  // got its snapshot
};

int open_stream(const std::string& host, int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, host.c_str(), &address.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        std::perror("connect");
        std::exit(1);
    }
    std::string request = "GET /monitoring/events HTTP/1.1\r\nHost: " + host +
                          "\r\nAccept: text/event-stream\r\n\r\n";
    if (::write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
        std::perror("write");
        std::exit(1);
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

// Takes the complete events out of the buffer: the snapshot marks it ready, and each alert event
// with a sent_ns annotation gives one latency.
void consume(Subscriber& s, std::vector<double>& latencies) {
    std::size_t end;
    while ((end = s.buffer.find("\n\n")) != std::string::npos) {
        std::string event = s.buffer.substr(0, end);
        s.buffer.erase(0, end + 2);
        if (event.find("event: snapshot") != std::string::npos) {
            if (s.ready) ++resnapshots;
            s.ready = true;
        }
        if (event.find("event: alert") == std::string::npos) continue;
        auto at = event.find("\"sent_ns\":\"");
        if (at == std::string::npos) continue;
        long long sent = std::atoll(event.c_str() + at + 11);
        latencies.push_back(static_cast<double>(now_ns() - sent) / 1e6);
    }
}

double quantile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    auto i = static_cast<std::size_t>(q * static_cast<double>(v.size()) + 0.999999);
    return v[std::clamp<std::size_t>(i, 1, v.size()) - 1];
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s HOST PORT SUBSCRIBERS ALERTS\n", argv[0]);
        return 2;
    }
    std::string host = argv[1];
    int port = std::atoi(argv[2]);
    int subscribers = std::atoi(argv[3]);
    int alerts = std::atoi(argv[4]);
    stackwatch::http::init_curl();

    int epoll = ::epoll_create1(EPOLL_CLOEXEC);
    std::map<int, Subscriber> streams;
    for (int i = 0; i < subscribers; ++i) {
        int fd = open_stream(host, port);
        streams[fd].fd = fd;
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        ::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &ev);
    }
    std::vector<double> latencies;
    auto pump = [&](int timeout_ms) {
        epoll_event events[256];
        int n = ::epoll_wait(epoll, events, 256, timeout_ms);
        char chunk[65536];
        for (int i = 0; i < n; ++i) {
            auto& s = streams[events[i].data.fd];
            ssize_t got;
            while ((got = ::read(s.fd, chunk, sizeof chunk)) > 0) s.buffer.append(chunk, got);
            consume(s, latencies);
        }
    };
    auto ready = [&] {
        return std::all_of(streams.begin(), streams.end(),
                           [](const auto& s) { return s.second.ready; });
    };
    auto deadline = now_ns() + 60'000'000'000LL;
    while (!ready() && now_ns() < deadline) pump(100);
    std::size_t connected =
        std::count_if(streams.begin(), streams.end(), [](const auto& s) { return s.second.ready; });
    std::printf("connected %zu\n", connected);
    std::fflush(stdout);

    std::thread poster([&] {
        for (int i = 0; i < alerts; ++i) {
            std::string body = "[{\"labels\":{\"alertname\":\"Fanout" + std::to_string(i) +
                               "\"},\"annotations\":{\"sent_ns\":\"" + std::to_string(now_ns()) +
                               "\"}}]";
            stackwatch::http::ClientRequest r{
                .method = "POST",
                .url = "http://" + host + ":" + std::to_string(port) + "/api/v2/alerts",
                .body = body};
            r.headers = {{"Content-Type", "application/json"}};
            stackwatch::http::perform(r);
            std::this_thread::sleep_for(std::chrono::milliseconds(50));  // pacing, not a wait
        }
    });
    std::size_t expected = connected * static_cast<std::size_t>(alerts);
    deadline = now_ns() + 120'000'000'000LL;
    while (latencies.size() < expected && now_ns() < deadline) pump(100);
    poster.join();
    std::printf("resnapshots %zu\n", resnapshots);
    std::printf("latency_ms %.2f %.2f %.2f %zu %zu\n", quantile(latencies, 0.5),
                quantile(latencies, 0.99), quantile(latencies, 1.0), latencies.size(), expected);
    for (auto& [fd, s] : streams) ::close(fd);
    return latencies.size() == expected ? 0 : 1;
}
