// permessage-deflate parameters in an HTTP head, as the deflate faults rewrite them: a parameter
// taken out of the peer's head before the reference reads it (so the reference does not apply
// it), and put into the head the reference sends (so the endpoint claims it all the same).
#pragma once

#include <cctype>
#include <memory>
#include <string>
#include <string_view>

#include "behaviour.hpp"

namespace wsspec::fault {

// Removes every "; name" or "; name=value" from `head` and returns the first one removed ("" when
// there was none).
inline std::string take_param(std::string& head, std::string_view name) {
  std::string first;
  for (std::size_t at = head.find(name); at != std::string::npos; at = head.find(name, at)) {
    std::size_t start = at;
    while (start > 0 && head[start - 1] == ' ') --start;
    const std::size_t after = at + name.size();
    const bool whole = after >= head.size() || head[after] == '=' || head[after] == ';' ||
                       head[after] == ',' || head[after] == '\r' || head[after] == '\n' ||
                       head[after] == ' ';
    if (start == 0 || head[start - 1] != ';' || !whole) {
      at = after;
      continue;
    }
    --start;
    std::size_t end = after;
    while (end < head.size() && head[end] != ';' && head[end] != ',' && head[end] != '\r' &&
           head[end] != '\n')
      ++end;
    if (first.empty()) first = head.substr(start, end - start);
    head.erase(start, end - start);
    at = start;
  }
  return first;
}

// Puts `param` ("; server_max_window_bits=9") right after the first "permessage-deflate".
inline void put_param(std::string& head, const std::string& param) {
  const auto at = head.find("permessage-deflate");
  if (at != std::string::npos && !param.empty())
    head.insert(at + std::string_view("permessage-deflate").size(), param);
}

// A server that answers the client's `name` parameter (as its offer asked) without applying it:
// the reference reads the offer without it, and its 101 says it all the same.
inline void server_claims_unapplied(behaviour& b, std::string name) {
  auto taken = std::make_shared<std::string>();
  b.head_in = [taken, name](std::string& head, std::string_view) {
    *taken = take_param(head, name);
  };
  b.head_out = [taken](std::string& head) { put_param(head, *taken); };
}

// A client that ignores the server's `name` parameter: the reference reads the response without
// it.
inline void client_ignores(behaviour& b, std::string name) {
  b.head_in = [name](std::string& head, std::string_view) { take_param(head, name); };
}

}  // namespace wsspec::fault
