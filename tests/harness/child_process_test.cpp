// A command started through the shell: its exit status, and a hanging one stopped with its whole
// process group.
#include "wsspec/harness/child_process.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace wsspec::harness {
namespace {

TEST(ChildProcess, ReportsTheExitStatus) {
  std::string why;
  auto c = child_process::start("exit 7", why);
  ASSERT_TRUE(c) << why;
  while (c->running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(c->exit_status(), 7);
}

TEST(ChildProcess, AHangingCommandAndWhatItStartedAreStopped) {
  std::string why;
  auto c = child_process::start("sleep 30 & sleep 30; exit 0", why);
  ASSERT_TRUE(c) << why;
  EXPECT_TRUE(c->running());
  c->stop(200);
  EXPECT_FALSE(c->running());
  ASSERT_TRUE(c->exit_status());
  EXPECT_GE(*c->exit_status(), 128);  // ended by a signal
}

TEST(ChildProcess, AnUnknownCommandExitsWithTheShellsStatus) {
  std::string why;
  auto c = child_process::start("/no/such/program-wsspec", why);
  ASSERT_TRUE(c) << why;
  while (c->running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(c->exit_status(), 127);
}

TEST(ExpandUrl, ReplacesEveryPlaceholder) {
  EXPECT_EQ(expand_url("client {url} --again {url}", "ws://h:1"),
            "client ws://h:1 --again ws://h:1");
  EXPECT_EQ(expand_url("no placeholder", "ws://h:1"), "no placeholder");
}

}  // namespace
}  // namespace wsspec::harness
