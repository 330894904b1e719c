// Small POSIX helpers for the processes the harness starts (SIPp, dumpcap, tshark, the target):
// finding a program on PATH and waiting for a child's exit with a deadline.
#pragma once

#include <poll.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace sipconform {

// The absolute path of `name` on $PATH (or `name` itself when it contains a '/' and is
// executable); nullopt when not found. Own lookup because boost::process::search_path needs the
// compiled Boost.Filesystem library.
inline std::optional<std::string> find_program(std::string_view name) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string_view::npos) {
    std::string path(name);
    if (::access(path.c_str(), X_OK) == 0) return path;
    return std::nullopt;
  }
  const char* env = std::getenv("PATH");
  std::string_view dirs = env ? env : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    auto colon = dirs.find(':');
    std::string_view dir = dirs.substr(0, colon);
    dirs = colon == std::string_view::npos ? std::string_view{} : dirs.substr(colon + 1);
    if (dir.empty()) continue;
    auto candidate = (std::filesystem::path(dir) / name).string();
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return std::nullopt;
}

// True once child `pid` has exited (it is left unreaped, so boost::process::child::wait still
// collects its status); false at the deadline. Uses a pidfd so the wait is woken by the exit
// itself: boost::process::child::wait_for relies on SIGCHLD being blocked and otherwise sleeps to
// its timeout, and it swaps the process-wide SIGCHLD handler, which is unsafe with parallel jobs.
inline bool await_exit(pid_t pid, std::chrono::steady_clock::time_point deadline) {
  auto exited = [pid] {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0)
      return true;  // gone
    return info.si_pid == pid;
  };
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  while (!exited()) {
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      if (fd >= 0) ::close(fd);
      return false;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    if (fd >= 0) {
      pollfd p{fd, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(left));
    } else {  // kernels before 5.3: a short bounded poll of the child's state
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min<long long>(left, 10)));
    }
  }
  if (fd >= 0) ::close(fd);
  return true;
}

}  // namespace sipconform
