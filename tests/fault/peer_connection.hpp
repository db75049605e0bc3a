// Serves one accepted TCP connection with a behaviour: the reference connection in between, the
// behaviour's hooks around it. Blocking I/O, one thread per connection.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "behaviour.hpp"

namespace wsspec::fault {

// Runs until the connection is closed; never throws.
void serve(boost::asio::ip::tcp::socket socket, behaviour b);

}  // namespace wsspec::fault
