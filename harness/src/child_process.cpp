#include "wsspec/harness/child_process.hpp"

#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

namespace wsspec::harness {

std::optional<child_process> child_process::start(const std::string& command, std::string& why) {
  const pid_t pid = ::fork();
  if (pid < 0) {
    why = std::string("cannot start a process: ") + std::strerror(errno);
    return std::nullopt;
  }
  if (pid == 0) {
    // Its own process group, so that stopping it also stops what the shell started; none of
    // wsspec's sockets (the listener, other connections) is inherited.
    ::setpgid(0, 0);
    ::closefrom(3);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  return child_process(pid);
}

child_process::child_process(child_process&& other) noexcept
    : pid_(other.pid_), status_(other.status_) {
  other.pid_ = -1;
}

child_process& child_process::operator=(child_process&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0) stop();
    pid_ = other.pid_;
    status_ = other.status_;
    other.pid_ = -1;
  }
  return *this;
}

child_process::~child_process() {
  if (pid_ > 0) stop();
}

bool child_process::running() {
  if (pid_ <= 0) return false;
  int st = 0;
  const pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == 0) return true;
  if (r == pid_) {
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 255;
  } else {
    status_ = 255;
  }
  pid_ = -1;
  return false;
}

void child_process::signal_group(bool force) {
  if (pid_ > 0) ::kill(-pid_, force ? SIGKILL : SIGTERM);
}

void child_process::stop(int grace_ms) {
  if (!running()) return;
  const pid_t group = pid_;
  signal_group(false);
  for (int waited = 0; waited < grace_ms && running(); waited += 20)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (running()) {
    signal_group(true);
    while (running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // What the shell started may outlive it; the group goes too.
  ::kill(-group, SIGKILL);
}

std::string expand_url(std::string command, const std::string& url) {
  for (std::size_t at = command.find("{url}"); at != std::string::npos;
       at = command.find("{url}", at + url.size()))
    command.replace(at, 5, url);
  return command;
}

}  // namespace wsspec::harness
