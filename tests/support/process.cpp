#include "tests/support/process.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace stackwatch::test {
namespace {

struct User {
    uid_t uid;
    gid_t gid;
};

User lookup_user(const std::string& name) {
    passwd* pw = getpwnam(name.c_str());
    if (pw == nullptr) throw std::runtime_error("system user " + name + " does not exist");
    return {pw->pw_uid, pw->pw_gid};
}

// The watchdog reads "+pid N", "-pid N", "+dir P", "-dir P" lines; at end of file it cleans up.
void watchdog_main(int fd) {
    std::signal(SIGINT, SIG_IGN);
    std::signal(SIGTERM, SIG_IGN);
    std::set<pid_t> pids;
    std::set<std::string> dirs;
    std::string pending;
    char buf[512];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
        if (n <= 0) continue;
        pending.append(buf, static_cast<size_t>(n));
        size_t newline;
        while ((newline = pending.find('\n')) != std::string::npos) {
            std::string line = pending.substr(0, newline);
            pending.erase(0, newline + 1);
            if (line.size() < 5) continue;
            std::string arg = line.substr(5);
            if (line.starts_with("+pid")) pids.insert(std::stoi(arg));
            if (line.starts_with("-pid")) pids.erase(std::stoi(arg));
            if (line.starts_with("+dir")) dirs.insert(arg);
            if (line.starts_with("-dir")) dirs.erase(arg);
        }
    }
    // SIGQUIT makes PostgreSQL stop its backends at once; SIGKILL follows for anything left.
    for (pid_t pid : pids) kill(pid, SIGQUIT);
    for (int i = 0; i < 50; ++i) {
        bool any = false;
        for (pid_t pid : pids) any = any || kill(pid, 0) == 0;
        if (!any) break;
        usleep(100000);
    }
    for (pid_t pid : pids) kill(pid, SIGKILL);
    for (const auto& dir : dirs) {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    _exit(0);
}

class Guardian {
  public:
    // A forked child gets a guardian of its own, so its servers are cleaned up when it dies.
    static Guardian& instance() {
        static std::mutex instance_mutex;
        static Guardian* guardian = nullptr;
        std::lock_guard lock(instance_mutex);
        if (guardian == nullptr || guardian->owner_ != getpid()) guardian = new Guardian();
        return *guardian;
    }
    void send(const std::string& line) {
        std::lock_guard lock(mutex_);
        std::string text = line + "\n";
        if (write(fd_, text.data(), text.size()) < 0) {
            // The watchdog is gone; cleanup falls back to the destructors alone.
        }
    }

  private:
    Guardian() {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        pid_t pid = fork();
        if (pid < 0) throw std::runtime_error("fork failed");
        if (pid == 0) {
            close(fds[1]);
            setsid();
            // Double fork so the watchdog is never a zombie of the test binary.
            if (fork() != 0) _exit(0);
            watchdog_main(fds[0]);
        }
        close(fds[0]);
        waitpid(pid, nullptr, 0);
        fd_ = fds[1];
    }
    std::mutex mutex_;
    int fd_ = -1;
    pid_t owner_ = getpid();
};

}  // namespace

bool running_as_root() {
    return geteuid() == 0;
}

pid_t spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
    std::optional<User> user;
    if (!options.run_as.empty() && running_as_root()) user = lookup_user(options.run_as);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
    if (pid == 0) {
        // Servers die with the test binary; the guardian then removes what they left.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        setpgid(0, 0);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        if (!options.log_file.empty()) {
            int fd = open(options.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (fd >= 0) {
                if (user && fchown(fd, user->uid, user->gid) != 0) _exit(126);
                dup2(fd, STDOUT_FILENO);
                dup2(fd, STDERR_FILENO);
                close(fd);
            }
        }
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, STDIN_FILENO);
        if (user) {
            if (setgid(user->gid) != 0 || setuid(user->uid) != 0) _exit(126);
        }
        for (const auto& entry : options.env) putenv(const_cast<char*>(entry.c_str()));
        execvp(args[0], args.data());
        _exit(127);
    }
    return pid;
}

void run_checked(const std::vector<std::string>& argv, const SpawnOptions& options) {
    SpawnOptions with_log = options;
    auto dir = make_temp_dir("stackwatch-cmd");
    with_log.log_file = dir / "output.log";
    if (running_as_root() && !options.run_as.empty()) {
        auto user = lookup_user(options.run_as);
        if (chown(dir.c_str(), user.uid, user.gid) != 0) throw std::runtime_error("chown failed");
    }
    pid_t pid = spawn(argv, with_log);
    int status = 0;
    waitpid(pid, &status, 0);
    std::string output = read_tail(with_log.log_file);
    remove_dir(dir);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::string command;
        for (const auto& a : argv) command += a + " ";
        throw std::runtime_error("command failed (status " + std::to_string(status) +
                                 "): " + command + "\n" + output);
    }
}

void stop_process(pid_t pid, int sig, std::chrono::milliseconds grace) {
    if (pid <= 0) return;
    kill(pid, sig);
    auto deadline = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid || r < 0) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
}

bool process_alive(pid_t pid) {
    if (pid <= 0) return false;
    int status = 0;
    return waitpid(pid, &status, WNOHANG) == 0;
}

std::filesystem::path make_temp_dir(const std::string& prefix, const std::string& owner) {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr)
        throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
    std::filesystem::path dir(buf.data());
    Guardian::instance().send("+dir " + dir.string());
    if (!owner.empty() && running_as_root()) {
        auto user = lookup_user(owner);
        if (chown(dir.c_str(), user.uid, user.gid) != 0)
            throw std::runtime_error("chown " + dir.string() + " failed");
    }
    return dir;
}

void remove_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    Guardian::instance().send("-dir " + dir.string());
}

void guard_pid(pid_t pid) {
    Guardian::instance().send("+pid " + std::to_string(pid));
}
void unguard_pid(pid_t pid) {
    Guardian::instance().send("-pid " + std::to_string(pid));
}

std::string read_tail(const std::filesystem::path& file, std::size_t bytes) {
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

}  // namespace stackwatch::test
