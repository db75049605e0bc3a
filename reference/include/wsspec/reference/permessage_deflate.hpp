// permessage-deflate (RFC 7692): negotiation of its four parameters and the per-message
// compressor and decompressor (raw DEFLATE via zlib, trailing 00 00 FF FF removed and restored).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wsspec/reference/error.hpp"
#include "wsspec/reference/extensions.hpp"

namespace wsspec::ref {

inline constexpr std::string_view permessage_deflate_name = "permessage-deflate";

// One offer's parameters (RFC 7692 §7.1), as parsed from an offer. Window bits 8-15.
struct deflate_offer {
  bool server_no_context_takeover = false;
  bool client_no_context_takeover = false;
  std::optional<int> server_max_window_bits;
  // client_max_window_bits: absent, present without value (client supports it), or a value.
  bool client_max_window_bits_present = false;
  std::optional<int> client_max_window_bits;
  bool operator==(const deflate_offer&) const = default;
};

// What was agreed, from each side's point of view.
struct deflate_params {
  bool server_no_context_takeover = false;
  bool client_no_context_takeover = false;
  int server_max_window_bits = 15;
  int client_max_window_bits = 15;
  bool operator==(const deflate_params&) const = default;
};

// Parses the parameters of one permessage-deflate element, an offer or a response (the caller
// has matched the name; it is not checked here). RFC 7692 §7: a parameter is invalid when it is
// unknown, duplicated, has a value where none is allowed, or a window-bits value that is not
// 8-15 without leading zeros. Values arrive unquoted (RFC 6455 §9.1, see extensions.hpp), so a
// quoted "10" in the header is 10. Error: bad_extension_parameter.
// With bad_extension_parameter switched off (test-only, see enforcement.hpp) nothing fails: an
// unknown parameter or a value where none is allowed is ignored, the last of repeated parameters
// wins, a window-bits value loses surrounding quotes and leading zeros and is clamped to 8-15,
// and a value that is no number (or missing) is ignored; every window bits value stays 8-15.
result<deflate_offer> parse_deflate_offer(const extension& ext);
// The element named permessage-deflate with the offer's parameters in a fixed order.
extension to_extension(const deflate_offer& offer);

// Server side: what the server is willing to do.
struct deflate_server_policy {
  bool enabled = true;
  bool server_no_context_takeover = false;  // ask for it even if not offered
  bool client_no_context_takeover = false;  // ask the client for it (§7.1.1.2)
  int server_max_window_bits = 15;          // the largest window the server compresses with
  // The largest window the server asks the client to compress with; it can only ask when the
  // offer has client_max_window_bits (§7.1.2.2). Both window sizes are clamped to 8-15.
  int client_max_window_bits = 15;
};

struct deflate_agreement {
  deflate_params params;
  extension response;  // the element for the server's Sec-WebSocket-Extensions
};

// Picks the first permessage-deflate offer in `offers` that is valid and acceptable (RFC 7692 §5:
// the server declines an offer it cannot accept and looks at the next one). zlib cannot compress
// with a 256-byte window, so an offer that requires server_max_window_bits=8 is accepted by
// compressing with Huffman coding only, which refers back to nothing.
std::optional<deflate_agreement> negotiate_deflate(const std::vector<extension>& offers,
                                                   const deflate_server_policy& policy);

// Client side: validates the server's response to `offer` (RFC 7692 §7.1: a response parameter
// the offer did not allow, e.g. client_max_window_bits when the offer had none, fails the
// connection; so does a response that does not accept a request of the offer, i.e. lacks
// server_no_context_takeover or server_max_window_bits <= the offered value when the offer has
// them). The result is the agreed parameters, 15 for an absent window size (§7.2.1: the offer's
// client_* values are hints, the response decides). Errors: bad_extension_parameter;
// unoffered_extension when the element is not permessage-deflate. With bad_extension_parameter
// switched off the response is read as parse_deflate_offer reads it then, and accepted whatever
// the offer allowed: the parameters are the response's.
result<deflate_params> accept_deflate_response(const extension& response,
                                               const deflate_offer& offer);
// The same for a client that sent several offers: the response is valid when it is a valid
// answer to at least one of them; the first such offer gives the result.
result<deflate_params> accept_deflate_response(const extension& response,
                                               const std::vector<deflate_offer>& offers);

enum class deflate_role : std::uint8_t { client, server };

// Compresses messages for one direction of a connection.
class deflater {
 public:
  // window_bits 8-15; 8 compresses with Huffman coding only (see negotiate_deflate).
  deflater(int window_bits, bool no_context_takeover, int level = 6);
  ~deflater();
  deflater(const deflater&) = delete;
  deflater& operator=(const deflater&) = delete;
  deflater(deflater&&) noexcept;
  deflater& operator=(deflater&&) noexcept;

  // Appends the compressed form of one whole message to `out` (RFC 7692 §7.2.1: the trailing
  // 00 00 FF FF of the final sync flush removed).
  void compress(std::span<const std::uint8_t> message, std::vector<std::uint8_t>& out);
  // The same for a message given in parts, in order: appends what zlib produced so far for the
  // next `part`; `last` marks the message's final part, whose output ends the message (flushed,
  // 00 00 FF FF removed). A message's compressed form is the concatenation of its parts' output,
  // so it can be sent as it is produced without the message and its compressed form being held
  // whole at once.
  void compress_part(std::span<const std::uint8_t> part, bool last, std::vector<std::uint8_t>& out);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Decompresses messages for one direction, bounded by max_message_size.
class inflater {
 public:
  inflater(int window_bits, bool no_context_takeover,
           std::uint64_t max_message_size = std::numeric_limits<std::uint64_t>::max());
  ~inflater();
  inflater(const inflater&) = delete;
  inflater& operator=(const inflater&) = delete;
  inflater(inflater&&) noexcept;
  inflater& operator=(inflater&&) noexcept;

  // Decompresses the next piece of one message's payload, appending to `out`. `last` marks the
  // message's final piece (the 00 00 FF FF tail is appended internally then). Errors:
  // inflate_failed (corrupt data, a message that does not end on a block boundary, a distance
  // reaching before the data the window holds), decompressed_too_big (the message's output never
  // grows past the limit). After an error every later call returns the same error.
  std::optional<error> decompress(std::span<const std::uint8_t> in, bool last,
                                  std::vector<std::uint8_t>& out);
  // The same, handing each piece of output (at most 32 KiB) to `sink` as it is produced: the
  // caller decides where the message's bytes go (and how it grows).
  using sink = std::function<void(std::span<const std::uint8_t>)>;
  std::optional<error> decompress(std::span<const std::uint8_t> in, bool last, const sink& out);
  // Bytes produced for the current message so far (after its last piece, the whole message).
  std::uint64_t message_size() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace wsspec::ref
