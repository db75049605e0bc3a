// Text a page carries packed and unpacks only when it is shown: zlib (RFC 1950), which browsers
// inflate natively (DecompressionStream("deflate")), then base64 (RFC 4648 §4), which may stand
// in an HTML attribute value as it is.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace wsspec::reports {

std::string pack(std::string_view text);

// The text that `pack` packed; nullopt for anything else (not base64, not one whole zlib stream)
// and for a stream that inflates to more than `max_size` bytes.
std::optional<std::string> unpack(std::string_view packed, std::size_t max_size = 256u << 20);

}  // namespace wsspec::reports
