// The Autobahn testee protocol served to clients: the reference testee client runs its cases and
// each agent keeps its own results; the control endpoints answer as Autobahn's do; a started
// client that hangs is stopped; a case the client never ran is FAILED.
#include "wsspec/harness/testee_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "wsspec/harness/catalogue.hpp"
#include "wsspec/reference/asio/endpoint.hpp"
#include "wsspec/reference/connection.hpp"

namespace wsspec::harness {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using asio::ip::tcp;

// Five small cases written here (the built-in catalogue is not linked into harness tests).
const catalogue& small_catalogue() {
  static const catalogue cat = [] {
    catalogue c;
    const auto add = [&](const std::string& slug) -> case_builder {
      return c.add("rfc6455/5.6/" + slug)
          .section("5.6")
          .must("requirement")
          .describe("description <b>ignored</b> after the angle bracket");
    };
    add("echo-text").autobahn("1.1.1").send({text("Hello")}).expect_echo({text_message("Hello")});
    add("echo-binary").send({binary({1, 2, 3})}).expect_echo({binary_message({1, 2, 3})});
    add("ping").send({ping("p")}).expect_echo({pong_of("p")});
    add("wrong-mask")
        .send({[] {
          auto f = text("x");
          f.mask = masking::inverted;
          return f;
        }()})
        .rule(ref::error::masked_server_frame)
        .expect_fail({1002});
    add("two-messages")
        .send({text("a"), text("b")})
        .expect_echo({text_message("a"), text_message("b")});
    return c;
  }();
  return cat;
}

std::vector<const case_def*> some_client_cases() {
  std::vector<const case_def*> out;
  for (const auto& c : small_catalogue().cases()) out.push_back(&c);
  return out;
}

// Serves on a thread; the port is known once it listens.
class served {
 public:
  explicit served(testee_options o) : options_(std::move(o)) {
    options_.host = "127.0.0.1";
    options_.port = 0;
    std::promise<std::uint16_t> port;
    auto ready = port.get_future();
    options_.on_listening = [&port](std::uint16_t p) { port.set_value(p); };
    thread_ = std::thread([this] { outcome_ = serve_testees(options_); });
    port_ = ready.get();
  }
  ~served() {
    if (thread_.joinable()) thread_.join();
  }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_); }
  std::uint16_t port() const { return port_; }
  const testee_outcome& wait() {
    thread_.join();
    return outcome_;
  }

 private:
  testee_options options_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  testee_outcome outcome_;
};

// One request to the server with a reference client: the text messages it got, or the HTTP
// status of a refusal.
struct fetched {
  std::vector<std::string> messages;
  int refused_status = 0;
};

fetched fetch(std::uint16_t port, const std::string& target) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  ref::connection_config cc;
  cc.self = ref::role::client;
  cc.request.host = "127.0.0.1:" + std::to_string(port);
  cc.request.target = target;
  ref::connection conn(cc);
  fetched f;
  std::vector<std::uint8_t> buf(4096);
  for (;;) {
    while (!conn.output().empty()) {
      const auto out = conn.output();
      asio::write(socket, asio::buffer(out.data(), out.size()));
      conn.consume_output(out.size());
    }
    while (auto e = conn.next_event()) {
      if (auto* m = std::get_if<ref::message_event>(&*e))
        f.messages.emplace_back(m->data.begin(), m->data.end());
      if (auto* h = std::get_if<ref::handshake_failed_event>(&*e))
        f.refused_status = h->http_status;
    }
    if (conn.should_close_transport() || f.refused_status) break;
    boost::system::error_code ec;
    const std::size_t n = socket.read_some(asio::buffer(buf), ec);
    if (ec) break;
    conn.receive(std::span<std::uint8_t>(buf.data(), n));
  }
  return f;
}

TEST(QueryValue, DecodesAndFindsParameters) {
  EXPECT_EQ(query_value("case=3&agent=a%20b", "agent"), "a b");
  EXPECT_EQ(query_value("case=3&agent=a+b", "agent"), "a b");
  EXPECT_EQ(query_value("case=3&agent=x", "case"), "3");
  EXPECT_EQ(query_value("case=3", "agent"), std::nullopt);
  EXPECT_EQ(query_value("flag&case=1", "flag"), "");
  EXPECT_EQ(query_value("agent=%zz", "agent"), "%zz");
}

TEST(NotRun, IsFailedWithTheReason) {
  const auto r = not_run(*some_client_cases().front(), "the client exited");
  EXPECT_EQ(r.behavior, verdict::failed);
  ASSERT_FALSE(r.reasons.empty());
  EXPECT_EQ(r.reasons.front().code, "case_not_run");
  EXPECT_NE(r.reasons.front().text.find("the client exited"), std::string::npos);
}

TEST(TesteeServer, TwoAgentsRunTheirCasesSideBySide) {
  testee_options o;
  o.cases = some_client_cases();
  ASSERT_EQ(o.cases.size(), 5u);
  o.stop_after_updates = 2;
  std::size_t updates = 0;
  o.on_update_reports = [&](const std::string&, const std::vector<agent_results>&) { ++updates; };
  served s(o);
  auto client = [&](std::string agent) {
    ref::asio::echo_client_options co;
    co.url = s.url();
    co.agent = std::move(agent);
    co.deflate = false;
    return ref::asio::run_echo_client(co);
  };
  auto a = std::async(std::launch::async, client, "agent a");
  auto b = std::async(std::launch::async, client, "agent/b");
  EXPECT_EQ(a.get(), 0);
  EXPECT_EQ(b.get(), 0);
  const auto& out = s.wait();
  EXPECT_EQ(updates, 2u);
  ASSERT_EQ(out.agents.size(), 2u);
  for (const auto& ag : out.agents) {
    EXPECT_TRUE(ag.agent == "agent a" || ag.agent == "agent/b") << ag.agent;
    ASSERT_EQ(ag.results.size(), 5u);
    for (const auto& r : ag.results) {
      ASSERT_TRUE(r.has_value()) << ag.agent;
      EXPECT_EQ(r->behavior, verdict::ok) << ag.agent << " " << r->id << ": " << r->actual;
      EXPECT_EQ(r->log.target, ref::role::client);
    }
  }
}

TEST(TesteeServer, ControlEndpointsAnswerAsAutobahnDoes) {
  testee_options o;
  o.cases = some_client_cases();
  o.stop_after_updates = 1;
  served s(o);
  EXPECT_EQ(fetch(s.port(), "/getCaseCount").messages, std::vector<std::string>{"5"});
  const auto info = fetch(s.port(), "/getCaseInfo?case=1").messages;
  ASSERT_EQ(info.size(), 1u);
  const auto j = nlohmann::json::parse(info.front());
  EXPECT_EQ(j["id"], o.cases[0]->autobahn.empty() ? o.cases[0]->id : o.cases[0]->autobahn);
  EXPECT_TRUE(j["description"].is_string());
  EXPECT_EQ(fetch(s.port(), "/getCaseInfo?case=0").refused_status, 400);
  EXPECT_EQ(fetch(s.port(), "/getCaseInfo?case=6").refused_status, 400);
  EXPECT_EQ(fetch(s.port(), "/runCase?case=1").refused_status, 400);  // no agent
  EXPECT_EQ(fetch(s.port(), "/nothing-here").refused_status, 404);
  // A case found by its Autobahn number, run by the reference client, then its status.
  ref::asio::echo_client_options co;
  co.url = s.url();
  co.agent = "x";
  co.deflate = false;
  ASSERT_EQ(ref::asio::run_echo_client(co), 0);
  const auto status = fetch(s.port(), "/getCaseStatus?case=1&agent=x").messages;
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(status.front())["behavior"], "OK");
  fetch(s.port(), "/updateReports?agent=x");
  s.wait();
}

TEST(TesteeServer, ExcludedCasesOfAnAgentAreNotRun) {
  testee_options o;
  o.cases = some_client_cases();
  o.stop_after_updates = 1;
  o.skip = [](const std::string& agent, std::size_t index) { return agent == "x" && index == 0; };
  served s(o);
  ref::asio::echo_client_options co;
  co.url = s.url();
  co.agent = "x";
  co.deflate = false;
  ASSERT_EQ(ref::asio::run_echo_client(co), 0);
  const auto& out = s.wait();
  ASSERT_EQ(out.agents.size(), 1u);
  EXPECT_FALSE(out.agents[0].results[0].has_value());
  EXPECT_TRUE(out.agents[0].results[1].has_value());
}

TEST(TesteeServer, AStartedClientThatHangsIsStopped) {
  testee_options o;
  o.cases = some_client_cases();
  o.exec = "sleep 30 # {url}";
  o.idle_timeout = 300ms;
  served s(o);
  const auto& out = s.wait();
  EXPECT_TRUE(out.client_stopped);
  EXPECT_NE(out.problem.find("stopped"), std::string::npos);
  EXPECT_TRUE(out.agents.empty());
}

TEST(TesteeServer, TheRunEndsWhenTheStartedClientExits) {
  testee_options o;
  o.cases = some_client_cases();
  o.exec = "exit 3";
  served s(o);
  const auto& out = s.wait();
  EXPECT_FALSE(out.client_stopped);
  EXPECT_EQ(out.client_exit, 3);
}

TEST(TesteeServer, AConnectionThatSendsNoRequestIsDropped) {
  testee_options o;
  o.cases = some_client_cases();
  o.request_timeout = 200ms;
  o.stop_after_updates = 1;
  served s(o);
  asio::io_context ioc;
  tcp::socket silent(ioc);
  silent.connect({asio::ip::make_address("127.0.0.1"), s.port()});
  std::array<char, 16> buf{};
  boost::system::error_code ec;
  silent.read_some(asio::buffer(buf), ec);  // returns once the server drops it
  EXPECT_TRUE(ec);
  fetch(s.port(), "/updateReports");
  s.wait();
}

}  // namespace
}  // namespace wsspec::harness
