// A command wsspec starts itself (test-client --exec): run through /bin/sh in its own process
// group, watched without blocking, and stopped with everything it started when it hangs.
#pragma once

#include <sys/types.h>
#include <optional>
#include <string>

namespace wsspec::harness {

class child_process {
 public:
  // Starts `/bin/sh -c command`; nullopt with the reason in `why` when it cannot be started.
  static std::optional<child_process> start(const std::string& command, std::string& why);

  child_process(child_process&& other) noexcept;
  child_process& operator=(child_process&& other) noexcept;
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  // A child still running is stopped (its whole process group) and reaped.
  ~child_process();

  // Reaps the child if it ended; true while it runs.
  bool running();
  // Once it ended: its exit status, or 128 + the signal that ended it.
  std::optional<int> exit_status() const noexcept { return status_; }
  // SIGTERM to the process group; SIGKILL when `force`.
  void signal_group(bool force);
  // Stops the group: SIGTERM, then SIGKILL if it is not gone within `grace_ms`; then reaps.
  void stop(int grace_ms = 2000);

 private:
  explicit child_process(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// `command` with every "{url}" replaced by `url`.
std::string expand_url(std::string command, const std::string& url);

}  // namespace wsspec::harness
