// Runs one TCP connection with a behaviour, in either role: the reference connection in between,
// the behaviour's hooks around it. Blocking I/O, one thread per connection.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "behaviour.hpp"

namespace wsspec::fault {

// Runs until the connection is closed; never throws. A server's socket was accepted, a client's
// connected: the role is b.config.self.
void run_connection(boost::asio::ip::tcp::socket socket, behaviour b);

}  // namespace wsspec::fault
