// wsspec-faulty-peer: the reference echo server with one planted fault, for the fault-injection
// self-test (test-only; never installed).
//
//   wsspec-faulty-peer --listen 127.0.0.1:0 --fault NAME
//   wsspec-faulty-peer --listen 127.0.0.1:0 --disable-rule RULE[,RULE...]
//   wsspec-faulty-peer --list
//
// It prints the port it listens on as one line on stdout, then serves until its standard input
// is closed (so that it never outlives the test that started it) or it is killed.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "faults.hpp"
#include "peer_connection.hpp"
#include "wsspec/reference/enforcement.hpp"

namespace {

namespace net = boost::asio;
using net::ip::tcp;
using namespace wsspec;

int usage(std::string_view why) {
  std::cerr << "wsspec-faulty-peer: " << why
            << "\nusage: wsspec-faulty-peer [--listen HOST:PORT] "
               "[--fault NAME | --disable-rule RULE[,RULE...]] | --list\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:9001";
  const fault::fault_def* planted = fault::find_fault("none");
  ref::error_set disabled;
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "--list") {
      fault::list(fault::faults(), std::cout);
      return 0;
    }
    if (i + 1 == args.size()) return usage(std::string(a) + " needs a value or is unknown");
    const std::string_view value = args[++i];
    if (a == "--listen") {
      listen = value;
    } else if (a == "--fault") {
      planted = fault::find_fault(value);
      if (!planted) return usage("no fault named " + std::string(value) + " (see --list)");
    } else if (a == "--disable-rule") {
      std::string unknown;
      if (!fault::add_rules(value, disabled, unknown))
        return usage("no rule named " + unknown + " (see --list)");
    } else {
      return usage("unknown option " + std::string(a));
    }
  }
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return usage("--listen takes HOST:PORT");
  ref::disable_rules(disabled);

  net::io_context ioc;
  tcp::acceptor acceptor(ioc);
  try {
    const tcp::endpoint at(net::ip::make_address(listen.substr(0, colon)),
                           static_cast<std::uint16_t>(std::stoi(listen.substr(colon + 1))));
    acceptor.open(at.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(at);
    acceptor.listen(net::socket_base::max_listen_connections);
  } catch (const std::exception& e) {
    std::cerr << "wsspec-faulty-peer: cannot listen on " << listen << ": " << e.what() << "\n";
    return 2;
  }
  std::cout << acceptor.local_endpoint().port() << std::endl;

  std::thread([&] {
    for (;;) {
      tcp::socket socket(ioc);
      boost::system::error_code ec;
      acceptor.accept(socket, ec);
      if (ec) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        continue;
      }
      fault::behaviour b = fault::reference_echo_server();
      planted->plant(b);
      std::thread(fault::run_connection, std::move(socket), std::move(b)).detach();
    }
  }).detach();

  // Serves until standard input ends: the process that started the peer closed it, or died.
  while (std::getchar() != EOF) {
  }
  std::fflush(stdout);
  std::_Exit(0);
}
