#include "wsspec/harness/mutator.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "wsspec/harness/opening_handshake.hpp"
#include "wsspec/reference/http_head.hpp"
#include "wsspec/reference/mask.hpp"
#include "wsspec/reference/permessage_deflate.hpp"

namespace wsspec::harness::fuzzing {

namespace {

using bytes = std::vector<std::uint8_t>;
using namespace std::string_view_literals;

constexpr std::uint64_t golden_gamma = 0x9E3779B97F4A7C15ull;

// splitmix64's output function: every input bit reaches every output bit.
constexpr std::uint64_t mix(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

template <class T, std::size_t N>
const T& pick(generator& g, const T (&values)[N]) {
  return values[g.below(N)];
}

// The most header bytes one frame can take (RFC 6455 §5.2: 2, 8 for the 64-bit length, 4 for
// the masking key).
constexpr std::size_t max_frame_header = 14;

// RFC 6455 §5.2 opcodes: continuation, text, binary, the reserved data opcodes 0x3-0x7, Close,
// Ping, Pong, the reserved control opcodes 0xB-0xF.
constexpr std::uint8_t op_continuation = 0x0;
constexpr std::uint8_t op_text = 0x1;
constexpr std::uint8_t op_binary = 0x2;
constexpr std::uint8_t op_close = 0x8;
constexpr std::uint8_t op_ping = 0x9;
constexpr std::uint8_t op_pong = 0xA;
constexpr std::uint8_t reserved_opcodes[] = {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF};

constexpr bool is_control(std::uint8_t opcode) noexcept {
  return (opcode & 0x8) != 0;
}

// RFC 6455 §7.4: defined, reserved, never-sent, registrable, private and out-of-range codes.
constexpr std::uint16_t close_codes[] = {1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008,
                                         1009, 1010, 1011, 1012, 1013, 1014, 1015, 1016, 2999,
                                         3000, 3999, 4000, 4999, 5000, 0,    999,  65535};

// Payload lengths at the edges of RFC 6455 §5.2's three length encodings and §5.5's 125 bytes
// for control frames.
constexpr std::uint64_t edge_lengths[] = {0,   1,   2,   3,   4,     123,   124,  125,
                                          126, 127, 128, 255, 65535, 65536, 65537};

// RFC 3629 sequences a UTF-8 validator must refuse (RFC 6455 §8.1): truncated sequences, lone
// continuation bytes, overlong forms, UTF-16 surrogates, code points above U+10FFFF and the bytes
// that never appear.
constexpr std::string_view invalid_utf8[] = {
    "\xC3"sv,
    "\xE2\x82"sv,
    "\xF0\x9F\x98"sv,
    "\x80"sv,
    "\xBF"sv,
    "\xC0\x80"sv,
    "\xC1\xBF"sv,
    "\xE0\x80\x80"sv,
    "\xE0\x9F\xBF"sv,
    "\xF0\x80\x80\x80"sv,
    "\xF0\x8F\xBF\xBF"sv,
    "\xED\xA0\x80"sv,
    "\xED\xBF\xBF"sv,
    "\xED\xA0\xBD\xED\xB2\xA9"sv,
    "\xF4\x90\x80\x80"sv,
    "\xF5\x80\x80\x80"sv,
    "\xF8\x88\x80\x80\x80"sv,
    "\xFC\x84\x80\x80\x80\x80"sv,
    "\xC0"sv,
    "\xF5"sv,
    "\xFE"sv,
    "\xFF"sv,
};

// Valid sequences at the boundaries of each encoded length and around the surrogates.
constexpr std::string_view valid_utf8[] = {
    "\x00"sv,
    "\x7F"sv,
    "\xC2\x80"sv,
    "\xDF\xBF"sv,
    "\xE0\xA0\x80"sv,
    "\xED\x9F\xBF"sv,
    "\xEE\x80\x80"sv,
    "\xEF\xBB\xBF"sv,
    "\xEF\xBF\xBF"sv,
    "\xF0\x90\x80\x80"sv,
    "\xF4\x8F\xBF\xBF"sv,
    "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5"sv,
};

constexpr std::uint8_t edge_bytes[] = {0x00, 0x01, 0x7E, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xE0,
                                       0xED, 0xF0, 0xF4, 0xF5, 0xFE, 0xFF, '\r', '\n', ' '};

bytes to_bytes(std::string_view s) {
  return bytes(s.begin(), s.end());
}

std::string_view utf8_sequence(generator& g) {
  return g.chance(2, 3) ? pick(g, invalid_utf8) : pick(g, valid_utf8);
}

std::uint64_t pick_length(generator& g, std::uint64_t max) {
  const std::uint64_t n = g.chance(3, 4) ? pick(g, edge_lengths) : g.below(max + 1);
  return std::min(n, max);
}

std::uint8_t random_byte(generator& g) {
  return static_cast<std::uint8_t>(g.next());
}

bytes random_bytes(generator& g, std::size_t n) {
  bytes out(n);
  for (auto& b : out) b = random_byte(g);
  return out;
}

ref::mask_key random_key(generator& g) {
  const std::uint64_t v = g.next();
  return {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8),
          static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 24)};
}

// `b` grown or shrunk to `n` bytes; new bytes repeat what is there (text stays text-like), or
// are 'a' when there is nothing.
void resize_bytes(bytes& b, std::size_t n) {
  const std::size_t old = b.size();
  b.resize(n);
  for (std::size_t i = old; i < n; ++i) b[i] = old == 0 ? std::uint8_t{'a'} : b[i % old];
}

void insert_at(bytes& b, std::size_t at, std::string_view s) {
  b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), s.begin(), s.end());
}

// One edit of a byte string; `text` adds the UTF-8-aware edits (RFC 6455 §8.1).
void edit_bytes(bytes& b, bool text, generator& g, std::size_t max) {
  const std::size_t kinds = text ? 11 : 6;
  const std::size_t at = g.below(b.size() + 1);  // an insertion point
  switch (g.below(kinds)) {
    case 0: {  // a bit flipped
      if (b.empty()) b.push_back(random_byte(g));
      const std::size_t i = g.below(b.size());
      b[i] ^= static_cast<std::uint8_t>(1u << g.below(8));
      break;
    }
    case 1: {  // a byte set to an edge value
      if (b.empty()) b.push_back(0);
      const std::size_t i = g.below(b.size());
      b[i] = g.chance(1, 4) ? random_byte(g) : pick(g, edge_bytes);
      break;
    }
    case 2: {  // bytes inserted
      const bytes more = random_bytes(g, 1 + g.below(16));
      b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), more.begin(), more.end());
      break;
    }
    case 3: {  // a range erased
      if (b.empty()) break;
      const std::size_t from = g.below(b.size());
      const std::size_t n = 1 + g.below(std::min<std::size_t>(b.size() - from, 64));
      b.erase(b.begin() + static_cast<std::ptrdiff_t>(from),
              b.begin() + static_cast<std::ptrdiff_t>(from + n));
      break;
    }
    case 4:  // a length at an encoding's edge
      resize_bytes(b, static_cast<std::size_t>(pick_length(g, max)));
      break;
    case 5: {  // a range repeated
      if (b.empty()) break;
      const std::size_t from = g.below(b.size());
      const std::size_t n = 1 + g.below(std::min<std::size_t>(b.size() - from, 64));
      const bytes copy(b.begin() + static_cast<std::ptrdiff_t>(from),
                       b.begin() + static_cast<std::ptrdiff_t>(from + n));
      b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), copy.begin(), copy.end());
      break;
    }
    case 6:
    case 7:  // a UTF-8 edge sequence inserted
      insert_at(b, at, utf8_sequence(g));
      break;
    case 8: {  // a range replaced by one
      if (b.empty()) {
        insert_at(b, 0, utf8_sequence(g));
        break;
      }
      const std::size_t from = g.below(b.size());
      const std::size_t n = 1 + g.below(std::min<std::size_t>(b.size() - from, 4));
      b.erase(b.begin() + static_cast<std::ptrdiff_t>(from),
              b.begin() + static_cast<std::ptrdiff_t>(from + n));
      insert_at(b, from, utf8_sequence(g));
      break;
    }
    case 9: {  // a multi-byte sequence cut short, or one appended cut short at the end
      std::vector<std::size_t> leads;
      for (std::size_t i = 0; i < b.size(); ++i)
        if (b[i] >= 0xC0) leads.push_back(i);
      if (leads.empty() || g.chance(1, 3)) {
        const std::string_view whole = pick(g, valid_utf8);
        insert_at(b, b.size(), whole.substr(0, 1 + g.below(whole.size())));
        break;
      }
      const std::size_t lead = leads[g.below(leads.size())];
      if (lead + 1 < b.size() && g.chance(1, 2)) {
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(lead + 1));
      } else {
        b.resize(lead + 1);
      }
      break;
    }
    default:  // a whole sequence appended: the end of a message is where validators slip
      insert_at(b, b.size(), utf8_sequence(g));
      break;
  }
  if (b.size() > max) b.resize(max);
}

// `p` cut to at most `max` bytes, keeping its pattern.
void clamp_payload(payload_spec& p, std::uint64_t max) {
  if (p.length <= max) return;
  p.length = max;
  if (p.pattern.size() > max) p.pattern.resize(static_cast<std::size_t>(max));
}

// The length the frame's header declares.
std::uint64_t declared(const wire_frame& f) {
  return f.declared_length.value_or(f.payload.length);
}

// A forced length encoding that cannot hold the declared length is dropped (the minimal one is
// used): a 7-bit field holding 126 or 127 would announce an extended length that is not there.
void fit_length_encoding(wire_frame& f) {
  if (!f.length_bytes) return;
  const std::uint64_t d = declared(f);
  if ((*f.length_bytes == 0 && d > 125) || (*f.length_bytes == 2 && d > 0xFFFF) ||
      (*f.length_bytes != 0 && *f.length_bytes != 2 && *f.length_bytes != 8))
    f.length_bytes.reset();
}

// A declared length with the most significant bit set, which RFC 6455 §5.2 forbids: a receiver
// knows the frame is invalid from its header alone, so no one waits for its payload.
bool top_bit_length(const wire_frame& f) {
  return f.declared_length && *f.declared_length >= (std::uint64_t{1} << 63);
}

// Replaces a frame's payload. A declared length no longer than the old payload stays no longer
// than the new one: a longer one would make the peer wait for bytes that never come. One that was
// already longer (read from a truncated stream) is left as it was.
void set_payload(wire_frame& f, payload_spec p) {
  const bool was_longer =
      f.declared_length && *f.declared_length > f.payload.length && !top_bit_length(f);
  f.payload = std::move(p);
  if (!was_longer && f.declared_length && *f.declared_length >= f.payload.length)
    f.declared_length.reset();
  fit_length_encoding(f);
}

// Every frame within the limits: frame count, payload size, no compression.
void enforce(std::vector<wire_frame>& frames, const mutation_limits& limits) {
  if (frames.size() > limits.max_frames) frames.resize(limits.max_frames);
  for (auto& f : frames) {
    f.compress = false;
    if (f.payload.length > limits.max_payload) {
      payload_spec p = f.payload;
      clamp_payload(p, limits.max_payload);
      set_payload(f, std::move(p));
    }
    fit_length_encoding(f);
  }
}

// As enforce, and no declared length longer than the payload: a session would wait for bytes the
// peer waits for too, until the budget runs out.
void enforce_sendable(std::vector<wire_frame>& frames, const mutation_limits& limits) {
  enforce(frames, limits);
  for (auto& f : frames) {
    if (f.declared_length && *f.declared_length > f.payload.length && !top_bit_length(f)) {
      f.declared_length.reset();
      fit_length_encoding(f);
    }
  }
}

wire_frame frame_of(std::uint8_t opcode, bytes payload, bool fin = true) {
  wire_frame f;
  f.opcode = opcode;
  f.fin = fin;
  f.payload = payload_spec::bytes(std::move(payload));
  return f;
}

bytes close_code_bytes(std::uint16_t code) {
  return {static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code)};
}

// A Close body (RFC 6455 §5.5.1): empty, one byte, a code alone, a code with a valid, invalid
// or too long reason (over 123 bytes makes the frame longer than §5.5's 125), or noise.
bytes close_body(generator& g, std::size_t max) {
  bytes body;
  switch (g.below(8)) {
    case 0:
      break;
    case 1:
      body.push_back(static_cast<std::uint8_t>(pick(g, close_codes) >> 8));
      break;
    case 2:
    case 3:
      body = close_code_bytes(pick(g, close_codes));
      break;
    case 4: {
      body = close_code_bytes(pick(g, close_codes));
      const std::string_view reason = g.chance(1, 2) ? "bye"sv : pick(g, valid_utf8);
      body.insert(body.end(), reason.begin(), reason.end());
      break;
    }
    case 5: {
      body = close_code_bytes(pick(g, close_codes));
      const std::string_view bad = pick(g, invalid_utf8);
      body.insert(body.end(), {'o', 'k'});
      body.insert(body.end(), bad.begin(), bad.end());
      break;
    }
    case 6: {
      body = close_code_bytes(pick(g, close_codes));
      const std::size_t reason = 121 + g.below(6);  // 121..126 bytes: both sides of 123
      body.resize(2 + reason, 'r');
      break;
    }
    default:
      body = random_bytes(g, g.below(8));
      break;
  }
  if (body.size() > max) body.resize(max);
  return body;
}

// A small frame to add: Ping, Pong, text, binary, Close, a continuation, a reserved opcode, or
// the first frame of a fragmented text message.
wire_frame new_frame(generator& g, const mutation_limits& limits) {
  const std::size_t max = limits.max_payload;
  auto small = [&](bytes b) {
    if (b.size() > max) b.resize(max);
    return b;
  };
  switch (g.below(8)) {
    case 0:
      return frame_of(op_ping, small(g.chance(1, 2) ? to_bytes("ping") : random_bytes(g, 8)));
    case 1:
      return frame_of(op_pong, small(to_bytes("pong")));
    case 2:
      return frame_of(op_text, small(to_bytes(g.chance(1, 2) ? "Hello"sv : utf8_sequence(g))));
    case 3:
      return frame_of(op_binary, small(random_bytes(g, g.below(32))));
    case 4:
      return frame_of(op_close, close_body(g, max));
    case 5:
      return frame_of(op_continuation, small(to_bytes("cont")), g.chance(1, 2));
    case 6:
      return frame_of(pick(g, reserved_opcodes), small(to_bytes("rsvd")));
    default:
      return frame_of(op_text, small(to_bytes("frag")), false);
  }
}

wire_frame new_control_frame(generator& g, const mutation_limits& limits) {
  switch (g.below(3)) {
    case 0:
      return frame_of(op_ping, to_bytes("ping"));
    case 1:
      return frame_of(op_pong, bytes{});
    default:
      return frame_of(op_close, close_body(g, limits.max_payload));
  }
}

// Whether frame i carries text: a text frame, or a continuation of a text message.
bool carries_text(const std::vector<wire_frame>& frames, std::size_t i) {
  if (is_control(frames[i].opcode)) return false;
  for (std::size_t j = i + 1; j-- > 0;) {
    const std::uint8_t op = frames[j].opcode;
    if (op == op_text) return true;
    if (op != op_continuation && !is_control(op)) return false;
  }
  return false;
}

// Splits data frame i in two fragments (RFC 6455 §5.4); false when it cannot be split.
bool split_frame(std::vector<wire_frame>& frames, std::size_t i, generator& g) {
  wire_frame& f = frames[i];
  if (is_control(f.opcode) || f.payload.length < 2 || f.payload.length > (1u << 20)) return false;
  const bytes all = f.payload.materialize();
  if (all.size() < 2) return false;
  const std::size_t cut = 1 + g.below(all.size() - 1);
  wire_frame tail = f;
  tail.opcode = op_continuation;
  tail.rsv1 = tail.rsv2 = tail.rsv3 = false;
  tail.declared_length.reset();
  tail.length_bytes.reset();
  tail.payload =
      payload_spec::bytes(bytes(all.begin() + static_cast<std::ptrdiff_t>(cut), all.end()));
  f.fin = false;
  f.declared_length.reset();
  f.length_bytes.reset();
  f.payload =
      payload_spec::bytes(bytes(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(cut)));
  frames.insert(frames.begin() + static_cast<std::ptrdiff_t>(i + 1), std::move(tail));
  return true;
}

// The index of a data frame that leaves its message unfinished, if any.
std::optional<std::size_t> open_fragment(const std::vector<wire_frame>& frames, generator& g) {
  std::vector<std::size_t> open;
  for (std::size_t i = 0; i < frames.size(); ++i)
    if (!frames[i].fin && !is_control(frames[i].opcode)) open.push_back(i);
  if (open.empty()) return std::nullopt;
  return open[g.below(open.size())];
}

void insert_frame(std::vector<wire_frame>& frames, std::size_t at, wire_frame f) {
  frames.insert(frames.begin() + static_cast<std::ptrdiff_t>(std::min(at, frames.size())),
                std::move(f));
}

// ----- the opening request ---------------------------------------------------------------------

struct default_field {
  std::string_view name;
  std::string_view value;
};
// RFC 6455 §4.1's fields of the request the session sends by default.
constexpr default_field request_fields[] = {{"Host", "{host}"},
                                            {"Upgrade", "websocket"},
                                            {"Connection", "Upgrade"},
                                            {"Sec-WebSocket-Key", "{key}"},
                                            {"Sec-WebSocket-Version", "13"}};

constexpr std::string_view bad_upgrade[] = {"WebSocket", "websocket2",     "",
                                            "h2c",       "websocket, h2c", "web socket"};
constexpr std::string_view bad_connection[] = {"keep-alive", "keep-alive, Upgrade", "upgrade", "",
                                               "Close",      "Upgrade, Upgrade",    "Upgrade;"};
constexpr std::string_view bad_version[] = {"8", "12", "14", "", "13, 8", "013", "abc", "13 "};
constexpr std::string_view bad_key[] = {"",
                                        "dGhlIHNhbXBsZSBub25jZQ",
                                        "AAAAAAAAAAAAAAAAAAAAAA==",
                                        "not a base64 nonce!!!!!=",
                                        "{key}{key}",
                                        "dGhlIHNhbXBsZSBub25jZQ===",
                                        "YWJj"};

std::string bad_value(std::string_view name, generator& g) {
  if (name == "Upgrade") return std::string(pick(g, bad_upgrade));
  if (name == "Connection") return std::string(pick(g, bad_connection));
  if (name == "Sec-WebSocket-Version") return std::string(pick(g, bad_version));
  if (name == "Sec-WebSocket-Key") return std::string(pick(g, bad_key));
  return g.chance(1, 2) ? std::string() : std::string("{host}:99999");
}

char flip_case(char c) {
  if (c >= 'a' && c <= 'z') return static_cast<char>(c - 'a' + 'A');
  if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
  return c;
}

// A field name changed: its case (RFC 7230 §3.2: names are case-insensitive, so a server must
// still accept it), or misspelt (it must not).
std::string mangle_name(std::string name, generator& g) {
  if (name.empty()) return "X";
  switch (g.below(6)) {
    case 0:
      for (auto& c : name) c = flip_case(c);
      break;
    case 1:
      for (auto& c : name)
        if (g.chance(1, 2)) c = flip_case(c);
      break;
    case 2:
      name.erase(g.below(name.size()), 1);
      break;
    case 3:
      name.push_back('s');
      break;
    case 4:
      std::replace(name.begin(), name.end(), '-', '_');
      break;
    default:
      name.push_back(' ');  // whitespace before the colon (RFC 7230 §3.2.4)
      break;
  }
  return name;
}

struct raw_line {
  std::string text;
  std::string_view eol;
};

// A request head as its lines, without the blank line that ends it.
std::vector<raw_line> split_head(std::string_view raw) {
  for (std::string_view end : {"\r\n\r\n"sv, "\n\n"sv, "\r\n"sv, "\n"sv}) {
    if (raw.ends_with(end)) {
      raw.remove_suffix(end.size());
      break;
    }
  }
  std::vector<raw_line> lines;
  while (true) {
    const std::size_t nl = raw.find('\n');
    std::string_view line = raw.substr(0, nl);
    std::string_view eol = "\r\n"sv;
    if (nl != std::string_view::npos) {
      if (line.ends_with('\r')) {
        line.remove_suffix(1);
      } else {
        eol = "\n"sv;
      }
    }
    lines.push_back({std::string(line), eol});
    if (nl == std::string_view::npos) break;
    raw.remove_prefix(nl + 1);
  }
  return lines;
}

// The head again; the last field line and the blank line end in CRLF whatever the mutations did,
// so that a server reading up to the blank line never waits for one (RFC 7230 §3).
std::string join_head(const std::vector<raw_line>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += lines[i].text;
    out += i + 1 == lines.size() ? "\r\n"sv : lines[i].eol;
  }
  out += "\r\n";
  return out;
}

void mutate_raw_request(std::string& raw, generator& g) {
  std::vector<raw_line> lines = split_head(raw);
  const std::size_t n = lines.size();
  // Field lines are 1..n-1; the request line is 0.
  const auto field_line = [&]() { return 1 + g.below(n - 1); };
  switch (n < 2 ? 7 : g.below(10)) {
    case 0:  // one line ended by a bare LF
      lines[g.below(n - 1)].eol = "\n"sv;
      break;
    case 1:  // every line ended by a bare LF
      for (auto& l : lines) l.eol = "\n"sv;
      break;
    case 2:  // one line ended by a bare CR
      lines[g.below(n - 1)].eol = "\r"sv;
      break;
    case 3: {  // a field name's case changed
      std::string& text = lines[field_line()].text;
      const std::size_t colon = std::min(text.find(':'), text.size());
      for (std::size_t i = 0; i < colon; ++i)
        if (g.chance(1, 2)) text[i] = flip_case(text[i]);
      break;
    }
    case 4: {  // a field repeated
      const std::size_t i = field_line();
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i + 1), lines[i]);
      break;
    }
    case 5:  // a field left out
      lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(field_line()));
      break;
    case 6: {  // two fields swapped
      const std::size_t a = field_line();
      const std::size_t b = field_line();
      std::swap(lines[a], lines[b]);
      break;
    }
    case 7: {  // the request line: method, version
      constexpr std::string_view lines0[] = {"GET {target} HTTP/1.0",  "POST {target} HTTP/1.1",
                                             "get {target} HTTP/1.1",  "GET {target} HTTP/2",
                                             "GET  {target} HTTP/1.1", "GET {target}",
                                             "GET {target} http/1.1",  "HEAD {target} HTTP/1.1"};
      lines[0].text = std::string(pick(g, lines0));
      break;
    }
    case 8: {  // a folded field value (obs-fold, RFC 7230 §3.2.4)
      const std::size_t i = field_line();
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i + 1), raw_line{" x", "\r\n"sv});
      break;
    }
    default: {  // whitespace around the colon or at the start of the line
      std::string& text = lines[field_line()].text;
      const std::size_t colon = text.find(':');
      const char blank = g.chance(1, 2) ? ' ' : '\t';
      if (g.chance(1, 3) || colon == std::string::npos) {
        text.insert(0, 1, blank);
      } else {
        text.insert(colon + g.below(2), 1, blank);
      }
      break;
    }
  }
  raw = join_head(lines);
}

void drop_deflate(handshake_spec& h) {
  h.deflate_offers.clear();
  std::erase_if(h.extensions, [](const ref::extension& e) {
    return ref::iequals(e.name, ref::permessage_deflate_name);
  });
}

// ----- steps -----------------------------------------------------------------------------------

std::uint64_t encoded_size_bound(const std::vector<wire_frame>& frames) {
  std::uint64_t n = 0;
  for (const auto& f : frames) n += max_frame_header + f.payload.length;
  return n;
}

// A chop that writes `size` bytes in at most max_writes writes, and a pause within max_pause.
void cap_writes(std::size_t& chop, std::chrono::milliseconds& pause, std::uint64_t size,
                const mutation_limits& limits) {
  if (chop != 0 && limits.max_writes != 0) {
    const std::uint64_t least = (size + limits.max_writes - 1) / limits.max_writes;
    if (chop < least) chop = static_cast<std::size_t>(least);
  }
  if (limits.max_writes <= 1) chop = 0;
  pause = std::clamp(pause, std::chrono::milliseconds{0}, limits.max_pause);
}

// The frames the session writes for a message sent uncompressed: the opcode on the first,
// continuations of `fragment` bytes, FIN on the last (RFC 6455 §5.4).
send_frames frames_of_message(const send_message& m, const mutation_limits& limits) {
  payload_spec p = m.payload;
  clamp_payload(p, std::uint64_t{limits.max_frames} * limits.max_payload);
  const bytes payload = p.materialize();
  const std::size_t piece = m.fragment == 0 ? std::max<std::size_t>(payload.size(), 1) : m.fragment;
  send_frames out;
  std::size_t at = 0;
  do {
    const std::size_t n = std::min(piece, payload.size() - at);
    wire_frame f;
    f.opcode = at == 0 ? m.opcode : op_continuation;
    f.fin = at + n == payload.size();
    f.payload = payload_spec::bytes(bytes(payload.begin() + static_cast<std::ptrdiff_t>(at),
                                          payload.begin() + static_cast<std::ptrdiff_t>(at + n)));
    out.frames.push_back(std::move(f));
    at += n;
  } while (at < payload.size() && out.frames.size() < limits.max_frames);
  // A message cut short by the frame limit still ends.
  out.frames.back().fin = true;
  enforce(out.frames, limits);
  return out;
}

void bound_raw(payload_spec& p, const mutation_limits& limits) {
  clamp_payload(p, std::uint64_t{limits.max_frames} * (limits.max_payload + max_frame_header));
  if (!p.literal() && p.length <= limits.max_payload) p = payload_spec::bytes(p.materialize());
}

void bound_close(close_step& c, const mutation_limits& limits) {
  if (c.reason.size() + 2 > limits.max_payload) {
    // Cut at a character boundary: the reason stays text (RFC 6455 §5.5.1).
    std::size_t n = limits.max_payload < 2 ? 0 : limits.max_payload - 2;
    while (n > 0 && (static_cast<unsigned char>(c.reason[n]) & 0xC0) == 0x80) --n;
    c.reason.resize(n);
  }
  if (c.raw_payload) {
    clamp_payload(*c.raw_payload, limits.max_payload);
    if (!c.raw_payload->literal())
      *c.raw_payload = payload_spec::bytes(c.raw_payload->materialize());
  }
  enforce_sendable(c.then, limits);
}

// Every step within the limits; false for a step a mutated session does not run.
bool bound_step(step& s, const mutation_limits& limits) {
  if (auto* f = std::get_if<send_frames>(&s)) {
    enforce_sendable(f->frames, limits);
    cap_writes(f->chop, f->pause, encoded_size_bound(f->frames), limits);
    return true;
  }
  if (auto* r = std::get_if<send_raw>(&s)) {
    bound_raw(r->bytes, limits);
    cap_writes(r->chop, r->pause, r->bytes.length, limits);
    return true;
  }
  if (auto* c = std::get_if<close_step>(&s)) {
    bound_close(*c, limits);
    return true;
  }
  if (auto* p = std::get_if<pause_step>(&s)) {
    p->duration = std::clamp(p->duration, std::chrono::milliseconds{0}, limits.max_pause);
    return true;
  }
  return false;
}

void bound_case(case_def& c, const mutation_limits& limits) {
  drop_deflate(c.handshake);
  enforce_sendable(c.handshake.frames_with_request, limits);
  enforce_sendable(c.handshake.response.frames_with_response, limits);
  c.handshake.pause = std::clamp(c.handshake.pause, std::chrono::milliseconds{0}, limits.max_pause);
  c.handshake.response.pause =
      std::clamp(c.handshake.response.pause, std::chrono::milliseconds{0}, limits.max_pause);
  // A head is a few hundred bytes; 4 KiB bounds any request or response a case builds.
  std::chrono::milliseconds ignored{0};
  if (c.handshake.chop != 0) {
    const std::size_t head = c.handshake.raw_request ? c.handshake.raw_request->size() : 4096;
    cap_writes(c.handshake.chop, ignored, head, limits);
  }
  if (c.handshake.response.chop != 0) {
    const std::size_t head = c.handshake.response.raw ? c.handshake.response.raw->size() : 4096;
    cap_writes(c.handshake.response.chop, ignored, head, limits);
  }
  std::vector<step> kept;
  for (auto& s : c.steps) {
    if (kept.size() >= limits.max_steps) break;
    if (bound_step(s, limits)) kept.push_back(std::move(s));
  }
  c.steps = std::move(kept);
}

step new_step(generator& g, const mutation_limits& limits) {
  send_frames s;
  switch (g.below(4)) {
    case 0:
      s.frames.push_back(frame_of(op_ping, to_bytes("ping")));
      break;
    case 1:
      s.frames.push_back(frame_of(op_text, to_bytes("Hello")));
      break;
    case 2:
      s.frames.push_back(frame_of(op_binary, random_bytes(g, 1 + g.below(16))));
      break;
    default:
      s.frames.push_back(frame_of(op_close, close_code_bytes(pick(g, close_codes))));
      break;
  }
  enforce(s.frames, limits);
  return s;
}

template <class T>
std::vector<std::size_t> indices_of(const std::vector<step>& steps) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (std::holds_alternative<T>(steps[i])) out.push_back(i);
  return out;
}

void mutate_close(close_step& c, generator& g, const mutation_limits& limits) {
  switch (g.below(6)) {
    case 0:
      c.code = pick(g, close_codes);
      c.raw_payload.reset();
      break;
    case 1:
      c.code.reset();
      c.reason.clear();
      break;
    case 2: {  // an invalid UTF-8 reason (RFC 6455 §5.5.1), as bytes: a reason is kept as text
      bytes body = close_code_bytes(c.code.value_or(1000));
      const std::string_view bad = pick(g, invalid_utf8);
      body.insert(body.end(), {'o', 'k'});
      body.insert(body.end(), bad.begin(), bad.end());
      c.raw_payload = payload_spec::bytes(std::move(body));
      break;
    }
    case 3:  // a reason around the 123 bytes a Close body has room for (RFC 6455 §5.5)
      c.reason.assign(121 + g.below(6), 'r');
      if (!c.code) c.code = 1000;
      c.raw_payload.reset();
      break;
    case 4:
      c.raw_payload = payload_spec::bytes(close_body(g, limits.max_payload));
      break;
    default:  // frames after the Close, which the target must not process (RFC 6455 §5.5.1)
      if (c.then.empty() || g.chance(1, 2)) {
        c.then.push_back(new_frame(g, limits));
      } else {
        mutate_frames(c.then, g, limits);
      }
      break;
  }
  bound_close(c, limits);
}

}  // namespace

std::uint64_t generator::next() noexcept {
  state_ += golden_gamma;
  return mix(state_);
}

std::uint64_t generator::below(std::uint64_t n) noexcept {
  return n == 0 ? 0 : next() % n;
}

std::uint64_t run_seed(std::uint64_t seed, std::uint64_t index) noexcept {
  return mix((seed ^ mix(index + golden_gamma)) + golden_gamma);
}

void mutate_payload(payload_spec& p, bool text, generator& g, const mutation_limits& limits) {
  if (!p.literal()) {
    if (p.length > limits.max_payload) {
      p.length = pick_length(g, limits.max_payload);
      clamp_payload(p, limits.max_payload);
      return;
    }
    p = payload_spec::bytes(p.materialize());
  }
  bytes b = std::move(p.pattern);
  if (b.size() > limits.max_payload) b.resize(limits.max_payload);
  edit_bytes(b, text, g, limits.max_payload);
  p = payload_spec::bytes(std::move(b));
}

void mutate_frames(std::vector<wire_frame>& frames, generator& g, const mutation_limits& limits) {
  enforce(frames, limits);
  if (frames.empty()) {
    if (limits.max_frames > 0) frames.push_back(new_frame(g, limits));
    enforce(frames, limits);
    return;
  }
  const bool room = frames.size() < limits.max_frames;
  const std::size_t i = g.below(frames.size());
  wire_frame& f = frames[i];
  switch (g.below(22)) {
    case 0:
      f.fin = !f.fin;
      break;
    case 1:  // RSV1-3 (RFC 6455 §5.2: non-zero without a negotiated extension)
      switch (g.below(3)) {
        case 0:
          f.rsv1 = !f.rsv1;
          break;
        case 1:
          f.rsv2 = !f.rsv2;
          break;
        default:
          f.rsv3 = !f.rsv3;
          break;
      }
      break;
    case 2:
      f.opcode =
          g.chance(1, 2) ? pick(g, reserved_opcodes) : static_cast<std::uint8_t>(g.below(16));
      break;
    case 3:  // the mask bit against the sender's role (RFC 6455 §5.1)
      f.mask = f.mask == masking::as_role ? masking::inverted : masking::as_role;
      break;
    case 4: {  // a length encoding, minimal or not (RFC 6455 §5.2)
      constexpr std::uint8_t encodings[] = {0, 2, 8};
      if (g.chance(1, 4)) {
        f.length_bytes.reset();
      } else {
        f.length_bytes = pick(g, encodings);
      }
      fit_length_encoding(f);
      break;
    }
    case 5:  // a declared length shorter than the payload: the rest reads as the next header
      if (g.chance(1, 8)) {
        // A 64-bit length with its most significant bit set (RFC 6455 §5.2: it MUST be 0).
        f.declared_length = (std::uint64_t{1} << 63) | g.below(std::uint64_t{1} << 32);
        f.length_bytes = 8;
      } else if (f.payload.length == 0 || g.chance(1, 5)) {
        if (!f.declared_length || *f.declared_length <= f.payload.length) f.declared_length.reset();
      } else {
        f.declared_length = g.below(f.payload.length);
      }
      fit_length_encoding(f);
      break;
    case 6:
    case 7:
    case 8: {
      payload_spec p = f.payload;
      mutate_payload(p, carries_text(frames, i), g, limits);
      set_payload(f, std::move(p));
      break;
    }
    case 9:  // a Close frame's code and reason (RFC 6455 §5.5.1, §7.4)
      if (g.chance(1, 3)) f.opcode = op_close;
      set_payload(f, payload_spec::bytes(close_body(g, limits.max_payload)));
      break;
    case 10:
      if (room) {
        const std::size_t where = g.below(frames.size() + 1);
        insert_frame(frames, where, new_frame(g, limits));
      }
      break;
    case 11:
      frames.erase(frames.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    case 12:
      if (room) insert_frame(frames, i + 1, wire_frame(f));
      break;
    case 13:
      std::swap(frames[i], frames[g.below(frames.size())]);
      break;
    case 14:  // a message cut in fragments (RFC 6455 §5.4)
      if (room) split_frame(frames, i, g);
      break;
    case 15: {  // a control frame between fragments: allowed (RFC 6455 §5.4)
      auto open = open_fragment(frames, g);
      if (!open && room && split_frame(frames, i, g)) open = i;
      if (open && frames.size() < limits.max_frames)
        insert_frame(frames, *open + 1, new_control_frame(g, limits));
      break;
    }
    case 16: {  // a control frame with more than 125 bytes (RFC 6455 §5.5)
      constexpr std::uint8_t controls[] = {op_ping, op_pong, op_close};
      const std::uint64_t n = std::min<std::uint64_t>(126 + g.below(130), limits.max_payload);
      wire_frame c = frame_of(pick(g, controls), bytes(static_cast<std::size_t>(n), 'p'));
      if (room) {
        insert_frame(frames, g.below(frames.size() + 1), std::move(c));
      } else {
        f = std::move(c);
      }
      break;
    }
    case 17:  // a fragmented control frame (RFC 6455 §5.5)
      if (is_control(f.opcode)) {
        f.fin = false;
      } else if (room) {
        insert_frame(frames, i, frame_of(op_ping, to_bytes("pi"), false));
      }
      break;
    case 18:  // a continuation with no message to continue (RFC 6455 §5.4)
      if (room) {
        const std::size_t where = g.chance(1, 2) ? 0 : i + 1;
        insert_frame(frames, where, frame_of(op_continuation, to_bytes("cont"), g.chance(1, 2)));
      } else {
        f.opcode = op_continuation;
      }
      break;
    case 19: {  // a new data message before the fragmented one ended (RFC 6455 §5.4)
      auto open = open_fragment(frames, g);
      if (!open && !is_control(f.opcode)) {
        f.fin = false;
        open = i;
      }
      if (open && frames.size() < limits.max_frames)
        insert_frame(frames, *open + 1,
                     frame_of(g.chance(1, 2) ? op_text : op_binary, to_bytes("new")));
      break;
    }
    case 20:  // the payload's length at an encoding's edge
      set_payload(f, payload_spec::bytes(
                         bytes(static_cast<std::size_t>(pick_length(g, limits.max_payload)), 'x')));
      break;
    default:  // the masking key: a fresh one, all zero (the payload goes as it is), or the run's
      switch (g.below(3)) {
        case 0:
          f.key = random_key(g);
          break;
        case 1:
          f.key = ref::mask_key{0, 0, 0, 0};
          break;
        default:
          f.key.reset();
          break;
      }
      break;
  }
  enforce(frames, limits);
}

void mutate_handshake(handshake_spec& h, generator& g) {
  drop_deflate(h);
  if (h.raw_request || g.chance(1, 3)) {
    if (!h.raw_request)
      h.raw_request = build_case_request(h, "{host}", "{target}", "{key}", h.extensions);
    mutate_raw_request(*h.raw_request, g);
    return;
  }
  const default_field& field = pick(g, request_fields);
  const std::string name(field.name);
  const auto omit = [&](const std::string& n) {
    if (std::find(h.omit_headers.begin(), h.omit_headers.end(), n) == h.omit_headers.end())
      h.omit_headers.push_back(n);
  };
  switch (g.below(5)) {
    case 0:  // a field missing (RFC 6455 §4.2.1)
      omit(name);
      break;
    case 1:  // a field with a wrong value
      omit(name);
      h.extra_headers.push_back({name, bad_value(name, g)});
      break;
    case 2:  // a field twice
      h.extra_headers.push_back(
          {name, g.chance(1, 2) ? std::string(field.value) : bad_value(name, g)});
      break;
    case 3:  // a field's name changed
      omit(name);
      h.extra_headers.push_back({mangle_name(name, g), std::string(field.value)});
      break;
    default: {  // a field the handshake does not expect
      constexpr default_field extras[] = {{"Sec-WebSocket-Extensions", "x-unknown"},
                                          {"Sec-WebSocket-Extensions", ""},
                                          {"Sec-WebSocket-Protocol", ""},
                                          {"Sec-WebSocket-Protocol", "chat, chat"},
                                          {"Origin", "http://{host}"},
                                          {"Sec-WebSocket-Accept", "{key}"}};
      const default_field& extra = pick(g, extras);
      h.extra_headers.push_back({std::string(extra.name), std::string(extra.value)});
      break;
    }
  }
}

case_def mutate_case(const case_def& base, generator& g, const mutation_limits& limits,
                     unsigned rounds) {
  case_def c = base;
  c.expect = expectation{};
  c.steps.clear();
  for (const step& s : base.steps) {
    if (c.steps.size() >= limits.max_steps) break;
    if (const auto* m = std::get_if<send_message>(&s)) {
      c.steps.emplace_back(frames_of_message(*m, limits));
    } else {
      step copy = s;
      if (bound_step(copy, limits)) c.steps.push_back(std::move(copy));
    }
  }
  bound_case(c, limits);

  for (unsigned r = 0; r < rounds; ++r) {
    if (g.chance(1, 10)) {
      mutate_handshake(c.handshake, g);
      continue;
    }
    auto& steps = c.steps;
    const bool room = steps.size() < limits.max_steps;
    switch (g.below(9)) {
      case 0:
      case 1:
      case 2: {  // the frames of a step
        auto at = indices_of<send_frames>(steps);
        if (at.empty()) {
          if (!room) break;
          const std::size_t where = g.below(steps.size() + 1);
          steps.insert(steps.begin() + static_cast<std::ptrdiff_t>(where), new_step(g, limits));
          at.push_back(where);
        }
        auto& s = std::get<send_frames>(steps[at[g.below(at.size())]]);
        mutate_frames(s.frames, g, limits);
        break;
      }
      case 3: {  // where the writes are cut, and the pauses between them
        std::vector<std::size_t> at = indices_of<send_frames>(steps);
        const auto raw = indices_of<send_raw>(steps);
        at.insert(at.end(), raw.begin(), raw.end());
        if (at.empty()) break;
        step& s = steps[at[g.below(at.size())]];
        const auto rechop = [&](std::size_t& chop, std::chrono::milliseconds& pause,
                                std::uint64_t size) {
          chop = g.chance(1, 4) ? 0 : static_cast<std::size_t>(1 + g.below(size));
          pause = std::chrono::milliseconds(
              static_cast<std::chrono::milliseconds::rep>(g.below(limits.max_pause.count() + 1)));
        };
        if (auto* f = std::get_if<send_frames>(&s)) {
          rechop(f->chop, f->pause, encoded_size_bound(f->frames));
        } else {
          auto& rs = std::get<send_raw>(s);
          rechop(rs.chop, rs.pause, rs.bytes.length);
        }
        break;
      }
      case 4:
        if (room) {
          const std::size_t where = g.below(steps.size() + 1);
          steps.insert(steps.begin() + static_cast<std::ptrdiff_t>(where), new_step(g, limits));
        }
        break;
      case 5:
        if (!steps.empty())
          steps.erase(steps.begin() + static_cast<std::ptrdiff_t>(g.below(steps.size())));
        break;
      case 6:
        if (room && !steps.empty()) {
          const std::size_t i = g.below(steps.size());
          steps.insert(steps.begin() + static_cast<std::ptrdiff_t>(i + 1), step(steps[i]));
        }
        break;
      case 7: {  // the Close the harness sends
        const auto at = indices_of<close_step>(steps);
        if (at.empty()) {
          if (!room) break;
          close_step cs;
          cs.code = pick(g, close_codes);
          steps.emplace_back(std::move(cs));
          break;
        }
        mutate_close(std::get<close_step>(steps[at[g.below(at.size())]]), g, limits);
        break;
      }
      default: {  // raw bytes, as bytes
        const auto at = indices_of<send_raw>(steps);
        if (at.empty()) break;
        mutate_payload(std::get<send_raw>(steps[at[g.below(at.size())]]).bytes, false, g, limits);
        break;
      }
    }
  }
  bound_case(c, limits);
  return c;
}

namespace {

// A frame header as written (RFC 6455 §5.2): the first two octets, the extended length, the
// masking key.
struct raw_header {
  std::size_t size = 0;  // octets of the header
  std::size_t ext = 0;   // octets of the extended length
  bool masked = false;
  std::uint64_t length = 0;
};

// The header at `at`; none when the bytes end inside it.
std::optional<raw_header> read_raw_header(std::span<const std::uint8_t> in, std::size_t at) {
  if (in.size() - at < 2) return std::nullopt;
  const std::uint8_t b1 = in[at + 1];
  const unsigned len7 = b1 & 0x7Fu;
  raw_header h;
  h.ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
  h.masked = (b1 & 0x80u) != 0;
  h.size = 2 + h.ext + (h.masked ? 4 : 0);
  if (in.size() - at < h.size) return std::nullopt;
  h.length = len7;
  if (h.ext != 0) {
    h.length = 0;
    for (std::size_t k = 0; k < h.ext; ++k) h.length = (h.length << 8) | in[at + 2 + k];
  }
  return h;
}

}  // namespace

std::vector<std::size_t> frame_ends(std::span<const std::uint8_t> in, std::size_t max_frames) {
  std::vector<std::size_t> out;
  std::size_t at = 0;
  while (out.size() < max_frames && at < in.size()) {
    const auto h = read_raw_header(in, at);
    if (!h || h->length > in.size() - at - h->size) break;
    at += h->size + static_cast<std::size_t>(h->length);
    out.push_back(at);
  }
  return out;
}

std::vector<wire_frame> parse_frames(std::span<const std::uint8_t> in, ref::role sender,
                                     std::size_t max_frames) {
  std::vector<wire_frame> out;
  std::size_t at = 0;
  while (out.size() < max_frames && at < in.size()) {
    const auto raw = read_raw_header(in, at);
    if (!raw) break;
    const std::uint8_t b0 = in[at];
    const std::size_t ext = raw->ext;
    const bool masked = raw->masked;
    const std::size_t head = raw->size;
    const std::uint64_t length = raw->length;
    wire_frame f;
    f.fin = (b0 & 0x80u) != 0;
    f.rsv1 = (b0 & 0x40u) != 0;
    f.rsv2 = (b0 & 0x20u) != 0;
    f.rsv3 = (b0 & 0x10u) != 0;
    f.opcode = b0 & 0x0Fu;
    f.mask = masked == masks(masking::as_role, sender) ? masking::as_role : masking::inverted;
    ref::mask_key key{};
    if (masked) {
      std::copy_n(in.begin() + static_cast<std::ptrdiff_t>(at + 2 + ext), 4, key.begin());
      f.key = key;
    }
    at += head;
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(length, in.size() - at));
    bytes payload(in.begin() + static_cast<std::ptrdiff_t>(at),
                  in.begin() + static_cast<std::ptrdiff_t>(at + n));
    if (masked) ref::apply_mask(std::span<std::uint8_t>(payload), key);
    f.payload = payload_spec::bytes(std::move(payload));
    if (n < length) f.declared_length = length;
    if (ext != ref::minimal_length_bytes(length)) f.length_bytes = static_cast<std::uint8_t>(ext);
    at += n;
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<std::uint8_t> encode_frames(const std::vector<wire_frame>& frames, ref::role sender) {
  std::vector<std::uint8_t> out;
  for (const auto& f : frames) encode_wire_frame(f, sender, ref::mask_key{0, 0, 0, 0}, out);
  return out;
}

std::size_t mutate_frame_bytes(std::uint8_t* data, std::size_t size, std::size_t max_size,
                               std::uint64_t seed, ref::role sender) {
  if (max_size == 0) return 0;
  generator g(seed);
  mutation_limits limits;
  limits.max_frames = 32;
  limits.max_payload = max_size;
  std::vector<wire_frame> frames =
      parse_frames(std::span<const std::uint8_t>(data, size), sender, limits.max_frames);
  if (frames.empty()) frames.push_back(frame_of(op_text, to_bytes("Hello")));
  const std::uint64_t rounds = 1 + g.below(4);
  for (std::uint64_t r = 0; r < rounds; ++r) mutate_frames(frames, g, limits);
  if (frames.empty()) frames.push_back(frame_of(op_text, to_bytes("Hello")));
  for (auto& f : frames)
    if (masks(f.mask, sender) && !f.key) f.key = random_key(g);
  const bytes out = encode_frames(frames, sender);
  const std::size_t n = std::min(out.size(), max_size);
  std::copy_n(out.begin(), n, data);
  return n;
}

}  // namespace wsspec::harness::fuzzing
