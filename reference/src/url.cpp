#include "wsspec/reference/url.hpp"

#include <charconv>

#include "wsspec/reference/http_head.hpp"

namespace wsspec::ref {

std::string ws_url::host_header() const {
  std::string h;
  const bool v6 = host.find(':') != std::string::npos;
  if (v6) h.push_back('[');
  h.append(host);
  if (v6) h.push_back(']');
  if (port != (secure ? 443 : 80)) {
    h.push_back(':');
    h.append(std::to_string(port));
  }
  return h;
}

bool parse_ws_url(std::string_view text, ws_url& out, std::string& why) {
  out = ws_url{};
  std::string_view rest;
  // RFC 3986 §3.1: schemes are case-insensitive.
  auto scheme_is = [&](std::string_view scheme) {
    return text.size() > scheme.size() && iequals(text.substr(0, scheme.size()), scheme);
  };
  if (scheme_is("ws://")) {
    rest = text.substr(5);
  } else if (scheme_is("wss://")) {
    out.secure = true;
    out.port = 443;
    rest = text.substr(6);
  } else {
    why = "the URL must start with ws:// or wss://";
    return false;
  }
  // RFC 6455 §3: fragment identifiers are meaningless in WebSocket URIs and MUST NOT be used.
  if (rest.find('#') != std::string_view::npos) {
    why = "a WebSocket URL cannot have a fragment (#)";
    return false;
  }
  const std::size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos) {
    why = "a WebSocket URL cannot carry a user name or password";
    return false;
  }
  if (slash != std::string_view::npos) {
    out.resource = std::string(rest.substr(slash));
    if (out.resource.front() == '?') out.resource.insert(out.resource.begin(), '/');
  }
  std::string_view port_text;
  if (authority.starts_with("[")) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      why = "unterminated IPv6 address in the URL";
      return false;
    }
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        why = "unexpected text after the IPv6 address";
        return false;
      }
      port_text = after.substr(1);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    // RFC 3986 §3.2.2: an IPv6 literal is written in brackets.
    if (colon != std::string_view::npos && authority.find(':') != colon) {
      why = "an IPv6 address in a URL must be in brackets, e.g. ws://[::1]:9001/";
      return false;
    }
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) {
    why = "the URL has no host";
    return false;
  }
  if (!port_text.empty() || authority.ends_with(":")) {
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || p != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      why = "the URL's port must be a number from 1 to 65535";
      return false;
    }
    out.port = static_cast<std::uint16_t>(value);
  }
  return true;
}

}  // namespace wsspec::ref
