// The Sec-WebSocket-Extensions header (RFC 6455 §9.1):
//   extension-list = 1#extension;  extension = token *( ";" extension-param )
//   extension-param = token [ "=" (token | quoted-string) ]
// where a quoted-string value must itself be a token once unquoted.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/reference/error.hpp"

namespace wsspec::ref {

struct extension_param {
  std::string name;
  std::optional<std::string> value;  // unquoted
  bool operator==(const extension_param&) const = default;
};

struct extension {
  std::string name;
  std::vector<extension_param> params;
  bool operator==(const extension&) const = default;
};

// Parses one header value; error bad_extension_syntax.
result<std::vector<extension>> parse_extensions(std::string_view value);
// Parses all the values of repeated headers as one list.
result<std::vector<extension>> parse_extensions(const std::vector<std::string_view>& values);
std::string format_extensions(const std::vector<extension>& list);

}  // namespace wsspec::ref
