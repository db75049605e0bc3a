// wsspec-faulty-peer as a child process of a test: started on an ephemeral loopback port with
// the given arguments, stopped (its standard input closed, then killed if need be) when the object
// goes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace wsspec::harness {

class faulty_peer {
 public:
  // Starts wsspec-faulty-peer with `args` on an ephemeral loopback port.
  explicit faulty_peer(const std::vector<std::string>& args) { start(args); }
  ~faulty_peer() { stop(); }
  faulty_peer(const faulty_peer&) = delete;
  faulty_peer& operator=(const faulty_peer&) = delete;

  // 0 when it did not start; problem() says why.
  std::uint16_t port() const noexcept { return port_; }
  const std::string& problem() const noexcept { return problem_; }

 private:
  void start(const std::vector<std::string>& args);
  void stop();
  // The first line the peer prints: its port.
  std::string read_line(int fd, std::chrono::steady_clock::time_point deadline);

  pid_t pid_ = -1;
  int stdin_ = -1;
  std::uint16_t port_ = 0;
  std::string problem_;
};

}  // namespace wsspec::harness
