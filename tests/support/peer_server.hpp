#pragma once
// A peer tool from Debian (Prometheus, Alertmanager) run as a real server on a free loopback
// port, in a temporary directory that the guardian removes even if the test binary dies.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace stackwatch::test {

class PeerServer {
  public:
    // Writes nothing itself: `configure` gets the directory and port to write its files and
    // return the command line. Waits until `ready_path` answers 200.
    template <typename Configure>
    PeerServer(const std::string& name, const std::string& ready_path, Configure configure)
        : name_(name), dir_(make_dir(name)), port_(pick_port()) {
        start(configure(dir_, port_), ready_path);
    }
    ~PeerServer();
    PeerServer(const PeerServer&) = delete;
    PeerServer& operator=(const PeerServer&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int port() const { return port_; }
    const std::filesystem::path& dir() const { return dir_; }
    std::string log() const;

  private:
    static std::filesystem::path make_dir(const std::string& name);
    static int pick_port();
    void start(const std::vector<std::string>& argv, const std::string& ready_path);

    std::string name_;
    std::filesystem::path dir_;
    int port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace stackwatch::test
