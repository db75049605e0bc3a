#include "peer_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace wsspec::harness {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

void faulty_peer::start(const std::vector<std::string>& args) {
  std::vector<std::string> words{WSSPEC_FAULTY_PEER, "--listen", "127.0.0.1:0"};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  int in[2];
  int out[2];
  if (::pipe2(in, O_CLOEXEC) != 0) {
    problem_ = std::string("no pipe: ") + std::strerror(errno);
    return;
  }
  if (::pipe2(out, O_CLOEXEC) != 0) {
    problem_ = std::string("no pipe: ") + std::strerror(errno);
    ::close(in[0]);
    ::close(in[1]);
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  // Other peers' pipes and the harness's connections stay out of the child: a socket it
  // inherited would keep a connection open after the harness closed it.
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  const int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  stdin_ = in[1];
  if (rc != 0) {
    pid_ = -1;
    problem_ = std::string("cannot start ") + argv[0] + ": " + std::strerror(rc);
    ::close(out[0]);
    return;
  }
  const std::string line = read_line(out[0], clock_type::now() + 20s);
  ::close(out[0]);
  try {
    const int port = std::stoi(line);
    if (port > 0 && port < 65536) port_ = static_cast<std::uint16_t>(port);
  } catch (const std::exception&) {
  }
  if (port_ == 0) problem_ = "it did not print the port it listens on (got '" + line + "')";
}

std::string faulty_peer::read_line(int fd, clock_type::time_point deadline) {
  std::string line;
  while (line.find('\n') == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[64];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  return line.substr(0, line.find('\n'));
}

void faulty_peer::stop() {
  // The peer exits when its standard input ends; one that does not within the bound is killed.
  if (stdin_ >= 0) ::close(stdin_);
  if (pid_ <= 0) return;
  const auto deadline = clock_type::now() + 5s;
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (clock_type::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      return;
    }
    std::this_thread::sleep_for(10ms);
  }
}

}  // namespace wsspec::harness
