// ws:// and wss:// URLs (RFC 6455 §3).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wsspec/reference/error.hpp"

namespace wsspec::ref {

struct ws_url {
  bool secure = false;
  std::string host;  // without brackets for IPv6 literals
  std::uint16_t port = 80;
  std::string resource = "/";       // path and query, never empty
  std::string host_header() const;  // host[:port], the port only when not the default
};

// Parses ws://host[:port][/path][?query]; a fragment is not allowed (RFC 6455 §3). Returns false
// with a one-line reason in `why`.
bool parse_ws_url(std::string_view text, ws_url& out, std::string& why);

}  // namespace wsspec::ref
