// wsspec-faulty-client: the reference testee client with one planted fault, for the
// fault-injection self-test in client role (test-only; never installed).
//
//   wsspec-faulty-client ws://HOST:PORT [--fault NAME | --disable-rule RULE[,RULE...]]
//   wsspec-faulty-client --list
//
// Autobahn's testee loop, as `wsspec echo-client` runs it (permessage-deflate offered):
// /getCaseCount, then /runCase?case=N&agent=wsspec-faulty-client for N = 1..count echoing every
// message, then /updateReports. The fault is planted on the runCase connections only.
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <charconv>
#include <iostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "faults.hpp"
#include "peer_connection.hpp"
#include "wsspec/reference/enforcement.hpp"
#include "wsspec/reference/url.hpp"

namespace {

namespace net = boost::asio;
using net::ip::tcp;
using namespace wsspec;

constexpr std::string_view agent = "wsspec-faulty-client";

int usage(std::string_view why) {
  std::cerr << "wsspec-faulty-client: " << why
            << "\nusage: wsspec-faulty-client ws://HOST:PORT "
               "[--fault NAME | --disable-rule RULE[,RULE...]] | --list\n";
  return 2;
}

// Connects to the server and runs one connection with `b` (whose request names the path) until it
// is closed; false when the server could not be reached.
bool visit(net::io_context& ioc, const ref::ws_url& base, fault::behaviour b) {
  tcp::socket socket(ioc);
  boost::system::error_code ec;
  tcp::resolver resolver(ioc);
  const auto endpoints = resolver.resolve(base.host, std::to_string(base.port), ec);
  if (!ec) net::connect(socket, endpoints, ec);
  if (ec) return false;
  fault::run_connection(std::move(socket), std::move(b));
  return true;
}

// A control connection (/getCaseCount, /updateReports): the reference client without the fault,
// keeping the messages the server sends instead of echoing them.
fault::behaviour control(const ref::ws_url& base, const std::string& path, std::string* message) {
  auto b = fault::reference_echo_client(base.host_header(), path);
  b.application = [message](ref::connection&, ref::event& e, const fault::context&) {
    if (auto* m = std::get_if<ref::message_event>(&e); m && message)
      message->assign(m->data.begin(), m->data.end());
  };
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  // The test that starts this client runs other connections at once, and the sockets it had open
  // when it started the client are inherited: holding them would keep those connections open
  // after the test closed its end.
  ::closefrom(STDERR_FILENO + 1);

  std::string url;
  const fault::fault_def* planted = fault::find_client_fault("none");
  ref::error_set disabled;
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "--list") {
      fault::list(fault::client_faults(), std::cout);
      return 0;
    }
    if (!a.starts_with("--")) {
      url = a;
      continue;
    }
    if (i + 1 == args.size()) return usage(std::string(a) + " needs a value or is unknown");
    const std::string_view value = args[++i];
    if (a == "--fault") {
      planted = fault::find_client_fault(value);
      if (!planted) return usage("no fault named " + std::string(value) + " (see --list)");
    } else if (a == "--disable-rule") {
      std::string unknown;
      if (!fault::add_rules(value, disabled, unknown))
        return usage("no rule named " + unknown + " (see --list)");
    } else {
      return usage("unknown option " + std::string(a));
    }
  }
  ref::ws_url base;
  std::string why;
  if (url.empty()) return usage("the server's URL is missing");
  if (!ref::parse_ws_url(url, base, why) || base.secure)
    return usage(why.empty() ? "ws:// only" : why);
  ref::disable_rules(disabled);

  std::string prefix = base.resource == "/" ? "" : base.resource;
  if (prefix.ends_with('/')) prefix.pop_back();
  net::io_context ioc;
  std::string count_text;
  if (!visit(ioc, base, control(base, prefix + "/getCaseCount", &count_text))) {
    std::cerr << "wsspec-faulty-client: cannot connect to " << url << "\n";
    return 2;
  }
  int count = -1;
  const char* end = count_text.data() + count_text.size();
  if (std::from_chars(count_text.data(), end, count).ptr != end) count = -1;
  if (count < 0) {
    std::cerr << "wsspec-faulty-client: /getCaseCount did not answer with a case count\n";
    return 2;
  }
  const std::string query = "&agent=" + std::string(agent);
  for (int n = 1; n <= count; ++n) {
    auto b = fault::reference_echo_client(base.host_header(),
                                          prefix + "/runCase?case=" + std::to_string(n) + query);
    planted->plant(b);
    visit(ioc, base, std::move(b));
  }
  visit(ioc, base, control(base, prefix + "/updateReports?agent=" + std::string(agent), nullptr));
  return 0;
}
