#include "wsspec/reference/permessage_deflate.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <new>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "wsspec/reference/enforcement.hpp"

namespace wsspec::ref {

namespace {

constexpr std::string_view server_no_context_takeover_name = "server_no_context_takeover";
constexpr std::string_view client_no_context_takeover_name = "client_no_context_takeover";
constexpr std::string_view server_max_window_bits_name = "server_max_window_bits";
constexpr std::string_view client_max_window_bits_name = "client_max_window_bits";

constexpr int min_window_bits = 8;
constexpr int max_window_bits = 15;

// RFC 7692 §7.2.1: a sync flush ends with an empty stored block whose last 4 octets are these.
constexpr std::array<std::uint8_t, 4> flush_tail{0x00, 0x00, 0xff, 0xff};

// zlib counts input and output in uInt; larger spans are fed in pieces of this size.
constexpr std::size_t max_zlib_chunk = std::size_t{1} << 30;

// RFC 7692 §7.1.2.1 / §7.1.2.2: window bits are 1*DIGIT, "a decimal integer value without
// leading zeroes between 8 to 15, inclusive".
std::optional<int> parse_window_bits(std::string_view v) {
  if (v.empty() || v.size() > 2 || v.front() == '0') return std::nullopt;
  int bits = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    bits = bits * 10 + (c - '0');
  }
  if (bits < min_window_bits || bits > max_window_bits) return std::nullopt;
  return bits;
}

int clamp_window_bits(int bits) {
  return std::clamp(bits, min_window_bits, max_window_bits);
}

// What a lax implementation (bad_extension_parameter switched off, see enforced()) makes of a
// window-bits value: surrounding quotes and leading zeroes are ignored and the number is clamped
// to 8-15, so that zlib is never given a window it cannot use. No value, or one that is not a
// number at all, gives nullopt: the parameter is then ignored.
std::optional<int> lax_window_bits(const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  std::string_view v = *value;
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (v.empty()) return std::nullopt;
  int bits = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    // Saturates: every value above 15 is clamped to 15 anyway.
    bits = std::min(bits * 10 + (c - '0'), 100);
  }
  return clamp_window_bits(bits);
}

// Whether a violated parameter rule makes the element invalid: always in the shipped reference;
// a lax implementation with the rule switched off (see enforced()) checks no parameter at all.
bool invalid(bool violated) {
  return violated && enforced(error::bad_extension_parameter);
}

void check_window_bits(int bits) {
  if (bits < min_window_bits || bits > max_window_bits)
    throw std::invalid_argument("permessage-deflate window bits must be 8-15");
}

// The agreed parameters a response represents, when it is a valid answer to `offer`. A lax client
// accepts any response: the parameters it gives are those of the response, which its inflater
// can always decompress with (a larger window or kept context only hold more).
result<deflate_params> accept_for_offer(const deflate_offer& response, const deflate_offer& offer) {
  // RFC 7692 §7.1.2.2: "The "client_max_window_bits" extension parameter in an extension
  // negotiation response has a decimal integer value".
  if (invalid(response.client_max_window_bits_present && !response.client_max_window_bits))
    return error::bad_extension_parameter;
  // RFC 7692 §7.1.2.2: "If a received extension negotiation offer doesn't have the
  // "client_max_window_bits" extension parameter, the corresponding extension negotiation
  // response to the offer MUST NOT include the "client_max_window_bits" extension parameter."
  if (invalid(response.client_max_window_bits_present && !offer.client_max_window_bits_present))
    return error::bad_extension_parameter;
  // RFC 7692 §7.1.1.1: "A server accepts an extension negotiation offer that includes the
  // "server_no_context_takeover" extension parameter by including the
  // "server_no_context_takeover" extension parameter in the corresponding extension negotiation
  // response"; without it the response does not accept this offer.
  if (invalid(offer.server_no_context_takeover && !response.server_no_context_takeover))
    return error::bad_extension_parameter;
  // RFC 7692 §7.1.2.1: "A server accepts an extension negotiation offer with this parameter by
  // including the "server_max_window_bits" extension parameter in the extension negotiation
  // response to send back to the client with the same or smaller value as the offer."
  if (invalid(offer.server_max_window_bits &&
              (!response.server_max_window_bits ||
               *response.server_max_window_bits > *offer.server_max_window_bits)))
    return error::bad_extension_parameter;
  deflate_params params;
  params.server_no_context_takeover = response.server_no_context_takeover;
  params.client_no_context_takeover = response.client_no_context_takeover;
  params.server_max_window_bits = response.server_max_window_bits.value_or(max_window_bits);
  params.client_max_window_bits = response.client_max_window_bits.value_or(max_window_bits);
  return params;
}

}  // namespace

result<deflate_offer> parse_deflate_offer(const extension& ext) {
  // Each check below makes the element invalid (RFC 7692 §7: a server "MUST decline an extension
  // negotiation offer", a client "MUST _Fail the WebSocket Connection_" on such a response). A lax
  // implementation (see invalid()) ignores unknown parameters, values where none is allowed and
  // window-bits values it cannot use, and takes the last of repeated parameters.
  deflate_offer offer;
  bool seen_server_max_window_bits = false;
  for (const extension_param& p : ext.params) {
    if (p.name == server_no_context_takeover_name || p.name == client_no_context_takeover_name) {
      bool& flag = p.name == server_no_context_takeover_name ? offer.server_no_context_takeover
                                                             : offer.client_no_context_takeover;
      // RFC 7692 §7: the element "contains multiple extension parameters with the same name".
      if (invalid(flag)) return error::bad_extension_parameter;
      // RFC 7692 §7.1.1.1 / §7.1.1.2: the context takeover parameters have no value ("This
      // extension parameter has no value.", "... in an extension negotiation response has no
      // value."); a value is "an extension parameter with an invalid value" (§7).
      if (invalid(p.value.has_value())) return error::bad_extension_parameter;
      flag = true;
    } else if (p.name == server_max_window_bits_name) {
      // RFC 7692 §7: the element "contains multiple extension parameters with the same name".
      if (invalid(seen_server_max_window_bits)) return error::bad_extension_parameter;
      seen_server_max_window_bits = true;
      // RFC 7692 §7.1.2.1: server_max_window_bits always has "a decimal integer value without
      // leading zeroes between 8 to 15, inclusive" (in an offer and in a response).
      const std::optional<int> bits = p.value ? parse_window_bits(*p.value) : std::nullopt;
      if (invalid(!bits)) return error::bad_extension_parameter;
      if (const auto usable = bits ? bits : lax_window_bits(p.value))
        offer.server_max_window_bits = usable;
    } else if (p.name == client_max_window_bits_name) {
      // RFC 7692 §7: the element "contains multiple extension parameters with the same name".
      if (invalid(offer.client_max_window_bits_present)) return error::bad_extension_parameter;
      offer.client_max_window_bits_present = true;
      // RFC 7692 §7.1.2.2: in an offer "This parameter has no value or a decimal integer value
      // without leading zeroes between 8 to 15 inclusive" (a response's value is required, see
      // accept_for_offer).
      offer.client_max_window_bits.reset();
      if (p.value) {
        const std::optional<int> bits = parse_window_bits(*p.value);
        if (invalid(!bits)) return error::bad_extension_parameter;
        offer.client_max_window_bits = bits ? bits : lax_window_bits(p.value);
      }
    } else {
      // RFC 7692 §7: the element "contains an extension parameter not defined for use in an
      // offer" (or "in a response"); only the four parameters of §7.1 are defined.
      if (invalid(true)) return error::bad_extension_parameter;
    }
  }
  return offer;
}

extension to_extension(const deflate_offer& offer) {
  extension ext;
  ext.name = std::string(permessage_deflate_name);
  if (offer.server_no_context_takeover)
    ext.params.push_back({std::string(server_no_context_takeover_name), std::nullopt});
  if (offer.client_no_context_takeover)
    ext.params.push_back({std::string(client_no_context_takeover_name), std::nullopt});
  if (offer.server_max_window_bits)
    ext.params.push_back(
        {std::string(server_max_window_bits_name), std::to_string(*offer.server_max_window_bits)});
  if (offer.client_max_window_bits_present || offer.client_max_window_bits) {
    std::optional<std::string> value;
    if (offer.client_max_window_bits) value = std::to_string(*offer.client_max_window_bits);
    ext.params.push_back({std::string(client_max_window_bits_name), std::move(value)});
  }
  return ext;
}

std::optional<deflate_agreement> negotiate_deflate(const std::vector<extension>& offers,
                                                   const deflate_server_policy& policy) {
  if (!policy.enabled) return std::nullopt;
  const int server_bits = clamp_window_bits(policy.server_max_window_bits);
  const int client_bits = clamp_window_bits(policy.client_max_window_bits);
  for (const extension& ext : offers) {
    if (ext.name != permessage_deflate_name) continue;
    // RFC 7692 §7: "A server MUST decline an extension negotiation offer for this extension" with
    // an undefined, invalid or repeated parameter; RFC 7692 §5: it then considers the next offer
    // in the client's preference order. A lax server (see invalid()) accepts such an offer, read
    // as parse_deflate_offer reads it, so every window it answers with is still 8-15.
    auto offer = parse_deflate_offer(ext);
    if (!offer) continue;

    deflate_offer response;
    // RFC 7692 §7.1.1.1: the server accepts server_no_context_takeover by echoing it, and MAY
    // include it even when it was not offered.
    response.server_no_context_takeover =
        offer->server_no_context_takeover || policy.server_no_context_takeover;
    // RFC 7692 §7.1.1.2: a server MAY include client_no_context_takeover whether or not offered.
    response.client_no_context_takeover = policy.client_no_context_takeover;
    // RFC 7692 §7.1.2.1: the server accepts server_max_window_bits with the same or a smaller
    // value, and MAY include it even when it was not offered. Every value 8-15 is supported (a
    // window of 8 bits is served by Huffman-only coding, see deflater), so no offer is declined
    // for its window size.
    if (offer->server_max_window_bits)
      response.server_max_window_bits = std::min(*offer->server_max_window_bits, server_bits);
    else if (server_bits < max_window_bits)
      response.server_max_window_bits = server_bits;
    // RFC 7692 §7.1.2.2: a server MUST NOT include client_max_window_bits unless the client
    // offered it; when offered with a value, the server answers with that value or a smaller one
    // so that it can decompress with the smaller window.
    if (offer->client_max_window_bits_present) {
      const int bits =
          std::min(offer->client_max_window_bits.value_or(max_window_bits), client_bits);
      if (offer->client_max_window_bits || bits < max_window_bits) {
        response.client_max_window_bits_present = true;
        response.client_max_window_bits = bits;
      }
    }

    deflate_agreement agreement;
    agreement.params.server_no_context_takeover = response.server_no_context_takeover;
    agreement.params.client_no_context_takeover = response.client_no_context_takeover;
    agreement.params.server_max_window_bits =
        response.server_max_window_bits.value_or(max_window_bits);
    agreement.params.client_max_window_bits =
        response.client_max_window_bits.value_or(max_window_bits);
    agreement.response = to_extension(response);
    return agreement;
  }
  return std::nullopt;
}

result<deflate_params> accept_deflate_response(const extension& response,
                                               const deflate_offer& offer) {
  return accept_deflate_response(response, std::vector<deflate_offer>{offer});
}

result<deflate_params> accept_deflate_response(const extension& response,
                                               const std::vector<deflate_offer>& offers) {
  // RFC 7692 §5: a server accepting a PMCE the client did not offer is an invalid response.
  if (response.name != permessage_deflate_name || offers.empty()) return error::unoffered_extension;
  // RFC 7692 §7: "A client MUST _Fail the WebSocket Connection_ if the peer server accepted an
  // extension negotiation offer for this extension with an extension negotiation response" with
  // an undefined, invalid or repeated parameter, or one the client does not support.
  auto parsed = parse_deflate_offer(response);
  if (!parsed) return parsed.err();
  for (const deflate_offer& offer : offers) {
    auto params = accept_for_offer(*parsed, offer);
    if (params) return params;
  }
  // A lax client (see invalid()) accepted the response for the first offer already.
  return error::bad_extension_parameter;
}

// ---------------------------------------------------------------------------------------------
// deflater

struct deflater::impl {
  z_stream stream{};
  bool no_context_takeover = false;
  // A part of the current message was compressed (compress_part without `last`).
  bool started = false;

  impl(int window_bits, bool no_context, int level) : no_context_takeover(no_context) {
    check_window_bits(window_bits);
    int zlib_bits = window_bits;
    int strategy = Z_DEFAULT_STRATEGY;
    if (window_bits == min_window_bits) {
      // RFC 7692 §7.1.2.1 allows a window of 256 bytes (8 bits), but zlib cannot deflate with
      // it: a raw stream with 8 window bits is refused (and older releases silently used 9).
      // Huffman-only coding emits literals and no back-references at all, so its output is
      // valid for a decompressor with any window, the 256-byte one included.
      zlib_bits = min_window_bits + 1;
      strategy = Z_HUFFMAN_ONLY;
    }
    // A negative windowBits selects raw DEFLATE: no zlib header or Adler-32 trailer (§7).
    const int rc = deflateInit2(&stream, level, Z_DEFLATED, -zlib_bits, 8, strategy);
    if (rc == Z_MEM_ERROR) throw std::bad_alloc();
    if (rc != Z_OK) throw std::invalid_argument("permessage-deflate: bad compression level");
  }
  ~impl() { deflateEnd(&stream); }
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  void compress_part(std::span<const std::uint8_t> part, bool last,
                     std::vector<std::uint8_t>& out) {
    if (last && part.empty() && !started) {
      // RFC 7692 §7.2.3.6: the single octet 0x00 (an empty stored block's header bits, the
      // rest of the block being the tail the receiver appends) is a compressed empty message.
      // zlib emits nothing for a second sync flush without input, so it is written directly;
      // the stream stays byte-aligned after the previous message's flush, and the empty message
      // adds nothing to the window.
      out.push_back(0x00);
      return;
    }
    if (part.empty() && !last) return;
    started = true;
    const std::size_t start = out.size();
    std::size_t offset = 0;
    do {
      const std::size_t piece = std::min(part.size() - offset, max_zlib_chunk);
      const bool final_piece = last && offset + piece == part.size();
      stream.next_in = const_cast<Bytef*>(part.data() + offset);
      stream.avail_in = static_cast<uInt>(piece);
      offset += piece;
      // RFC 7692 §7.2.1: the message ends with a sync flush, i.e. an empty stored block.
      const int flush = final_piece ? Z_SYNC_FLUSH : Z_NO_FLUSH;
      for (;;) {
        // Room for the whole output when it is small, else rounds of 16 KiB: the output
        // buffer never grows much past what the message compresses to.
        const std::size_t room = std::clamp<std::size_t>(
            deflateBound(&stream, stream.avail_in) + 16, 64, std::size_t{16} << 10);
        const std::size_t before = out.size();
        out.resize(before + room);
        stream.next_out = out.data() + before;
        stream.avail_out = static_cast<uInt>(room);
        const int rc = deflate(&stream, flush);
        out.resize(before + (room - stream.avail_out));
        if (rc != Z_OK && rc != Z_BUF_ERROR) throw std::runtime_error("zlib deflate failed");
        // zlib has finished the flush when it leaves output space unused.
        if (stream.avail_in == 0 && stream.avail_out != 0) break;
      }
    } while (offset < part.size());
    if (!last) return;
    // RFC 7692 §7.2.1: remove the 00 00 FF FF that ends the sync flush's empty stored block
    // (the final part's flush writes all of it).
    if (out.size() - start < flush_tail.size() ||
        !std::equal(flush_tail.begin(), flush_tail.end(), out.end() - flush_tail.size()))
      throw std::runtime_error("zlib sync flush did not end with 00 00 FF FF");
    out.resize(out.size() - flush_tail.size());
    started = false;
    // RFC 7692 §7.2.1: with no_context_takeover each message starts with an empty window.
    if (no_context_takeover) deflateReset(&stream);
  }
};

deflater::deflater(int window_bits, bool no_context_takeover, int level)
    : impl_(std::make_unique<impl>(window_bits, no_context_takeover, level)) {}
deflater::~deflater() = default;
deflater::deflater(deflater&&) noexcept = default;
deflater& deflater::operator=(deflater&&) noexcept = default;

void deflater::compress(std::span<const std::uint8_t> message, std::vector<std::uint8_t>& out) {
  impl_->compress_part(message, true, out);
}

void deflater::compress_part(std::span<const std::uint8_t> part, bool last,
                             std::vector<std::uint8_t>& out) {
  impl_->compress_part(part, last, out);
}

// ---------------------------------------------------------------------------------------------
// inflater

struct inflater::impl {
  z_stream stream{};
  int window_bits;
  bool no_context_takeover;
  std::uint64_t max_message_size;
  std::uint64_t size = 0;
  bool in_message = false;
  // The stream ended with a block that had BFINAL set; further blocks need a new zlib stream.
  bool stream_ended = false;
  std::optional<error> failure;
  // Output is produced here, then handed to the sink: the message grows by what was
  // decompressed, never by spare room.
  std::vector<Bytef> scratch;

  impl(int bits, bool no_context, std::uint64_t limit)
      : window_bits(bits), no_context_takeover(no_context), max_message_size(limit) {
    check_window_bits(bits);
    const int rc = inflateInit2(&stream, -window_bits);
    if (rc == Z_MEM_ERROR) throw std::bad_alloc();
    if (rc != Z_OK) throw std::runtime_error("zlib inflateInit2 failed");
  }
  ~impl() { inflateEnd(&stream); }
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  // zlib stops at a block with BFINAL set, which RFC 7692 §7.2.1 allows in the middle of a
  // message; the following blocks are decoded by a fresh stream that keeps the window (RFC 7692
  // §7.2.2: the window is carried over). inflateResetKeep does that in constant time.
  bool restart_keeping_window() {
    if (inflateResetKeep(&stream) != Z_OK) return false;
    stream_ended = false;
    return true;
  }

  // Feeds `in` to zlib, handing the output to `out`. When the stream ends and `stop_at_end` is
  // set, the rest of `in` is dropped.
  std::optional<error> feed(std::span<const std::uint8_t> in, bool stop_at_end,
                            const inflater::sink& out) {
    // RFC 7692 §7.1.2: the peer's data must not refer back further than the agreed window.
    // zlib checks a distance against its window plus what the current call already wrote, so
    // below the 32 KiB window (which no DEFLATE distance can exceed) each call writes one byte:
    // then every distance is checked against exactly the window, wherever the input was split.
    const std::size_t chunk = window_bits == 15 ? std::size_t{1} << 15 : 1;
    if (scratch.empty()) scratch.resize(chunk);
    std::size_t offset = 0;
    bool output_full = false;
    for (;;) {
      if (stream.avail_in == 0 && offset < in.size()) {
        const std::size_t piece = std::min(in.size() - offset, max_zlib_chunk);
        stream.next_in = const_cast<Bytef*>(in.data() + offset);
        stream.avail_in = static_cast<uInt>(piece);
        offset += piece;
      }
      // zlib may hold output it could not write yet, so a full output asks for another round.
      if (stream.avail_in == 0 && !output_full) return std::nullopt;
      if (stream_ended) {
        if (stop_at_end) {
          stream.avail_in = 0;
          return std::nullopt;
        }
        // A new stream starts only when data follows the ended one; whether that data comes in
        // this call or the next must not matter.
        if (stream.avail_in == 0) return std::nullopt;
        if (!restart_keeping_window()) return error::inflate_failed;
      }
      // RFC 7692 §8.1 / RFC 6455 §10.4: the message never grows past the limit. One byte of
      // room more than the limit allows tells whether the data holds more output.
      const std::uint64_t remaining = max_message_size - size;
      const std::size_t room = remaining < chunk ? static_cast<std::size_t>(remaining) + 1 : chunk;
      stream.next_out = scratch.data();
      stream.avail_out = static_cast<uInt>(room);
      const int rc = inflate(&stream, Z_SYNC_FLUSH);
      const std::size_t produced = room - stream.avail_out;
      const std::size_t kept =
          static_cast<std::size_t>(std::min<std::uint64_t>(produced, remaining));
      if (kept > 0) out(std::span<const std::uint8_t>(scratch.data(), kept));
      size += kept;
      if (kept < produced) return error::decompressed_too_big;
      output_full = stream.avail_out == 0;
      if (rc == Z_STREAM_END) {
        stream_ended = true;
      } else if (rc == Z_BUF_ERROR) {
        // No progress: fine when zlib wants more input, impossible with input and room left.
        if (stream.avail_in != 0 && stream.avail_out != 0) return error::inflate_failed;
      } else if (rc != Z_OK) {
        return error::inflate_failed;
      }
    }
  }

  std::optional<error> decompress(std::span<const std::uint8_t> in, bool last,
                                  const inflater::sink& out) {
    if (failure) return failure;
    if (!in_message) {
      in_message = true;
      size = 0;
    }
    auto e = feed(in, false, out);
    if (!e && last) e = finish(out);
    if (e) {
      failure = e;
      stream.avail_in = 0;
    }
    return e;
  }

  std::optional<error> finish(const inflater::sink& out) {
    // RFC 7692 §7.2.2: append 00 00 FF FF to the message's payload before decompressing. A
    // message whose data ended with a BFINAL block needs no tail to be complete.
    if (!stream_ended) {
      if (auto e = feed(flush_tail, true, out)) return e;
      // RFC 7692 §7.2.1: the data ends with (the start of) an empty stored block, so with the
      // tail the stream stops exactly between blocks. zlib reports that in data_type: 128 when
      // it waits for a block header, and the low bits count the unused bits it holds.
      if (!stream_ended && (stream.data_type & 128) == 0) return error::inflate_failed;
      if (!stream_ended && (stream.data_type & 63) != 0) return error::inflate_failed;
    }
    stream.avail_in = 0;
    in_message = false;
    // RFC 7692 §7.2.2: with no_context_takeover the peer compressed each message with an empty
    // window, so the next one is decompressed with an empty window too.
    if (no_context_takeover) {
      if (inflateReset(&stream) != Z_OK) return error::inflate_failed;
      stream_ended = false;
    }
    return std::nullopt;
  }
};

inflater::inflater(int window_bits, bool no_context_takeover, std::uint64_t max_message_size)
    : impl_(std::make_unique<impl>(window_bits, no_context_takeover, max_message_size)) {}
inflater::~inflater() = default;
inflater::inflater(inflater&&) noexcept = default;
inflater& inflater::operator=(inflater&&) noexcept = default;

std::optional<error> inflater::decompress(std::span<const std::uint8_t> in, bool last,
                                          std::vector<std::uint8_t>& out) {
  return impl_->decompress(in, last, [&out](std::span<const std::uint8_t> piece) {
    out.insert(out.end(), piece.begin(), piece.end());
  });
}

std::optional<error> inflater::decompress(std::span<const std::uint8_t> in, bool last,
                                          const sink& out) {
  return impl_->decompress(in, last, out);
}

std::uint64_t inflater::message_size() const noexcept {
  return impl_ ? impl_->size : 0;
}

}  // namespace wsspec::ref
