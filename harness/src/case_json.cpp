#include "wsspec/harness/case_json.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "wsspec/reference/extensions.hpp"
#include "wsspec/reference/http_head.hpp"
#include "wsspec/reference/utf8_validator.hpp"

namespace wsspec::harness {

using nlohmann::json;

namespace {

std::string hex_of(const std::vector<std::uint8_t>& b) {
  static constexpr char d[] = "0123456789abcdef";
  std::string s;
  for (auto x : b) {
    s += d[x >> 4];
    s += d[x & 15];
  }
  return s;
}

std::vector<std::uint8_t> bytes_of_hex(const std::string& h) {
  if (h.size() % 2) throw std::runtime_error("\"hex\" has an odd number of digits");
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < h.size(); i += 2) {
    auto v = [&](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      throw std::runtime_error("\"hex\" has a character that is not a hex digit");
    };
    out.push_back(static_cast<std::uint8_t>(v(h[i]) << 4 | v(h[i + 1])));
  }
  return out;
}

// Converts a JSON value to T, refusing the wrong type and, for integers, anything that is not a
// whole number in T's range (a float such as 1e20 must not reach an integer conversion).
template <class T>
bool convert(const json& v, T& out);

template <class T>
bool convert_integer(const json& v, T& out) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return false;
    out = static_cast<T>(u);
    return true;
  }
  if (!v.is_number_integer()) return false;
  const auto i = v.get<std::int64_t>();
  if (i < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
      (i > 0 && static_cast<std::uint64_t>(i) > std::numeric_limits<T>::max()))
    return false;
  out = static_cast<T>(i);
  return true;
}

template <class T>
bool convert(const json& v, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) return false;
    out = v.get<bool>();
    return true;
  } else if constexpr (std::is_integral_v<T>) {
    return convert_integer(v, out);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) return false;
    out = v.get<std::string>();
    return true;
  } else {
    // A list of one of the kinds above.
    if (!v.is_array()) return false;
    out.clear();
    for (const auto& e : v) {
      typename T::value_type x{};
      if (!convert(e, x)) return false;
      out.push_back(std::move(x));
    }
    return true;
  }
}

// The first field a reader was given but never asked for; case_from_json reports it once the
// whole case was read (a destructor must not throw).
thread_local std::string unknown_field;

// Reads an object, refusing keys it does not know (a typo must not pass silently).
// Text that may not be UTF-8 (a fuzzed Close reason or request): a JSON string when it is
// UTF-8, {"hex": ...} otherwise, so that every byte survives the file.
json bytes_text_json(const std::string& s) {
  if (ref::is_valid_utf8(std::string_view(s))) return s;
  return {{"hex", hex_of(std::vector<std::uint8_t>(s.begin(), s.end()))}};
}

std::string read_bytes_text(const json& v, const std::string& where) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.size() == 1 && v.contains("hex") && v["hex"].is_string()) {
    try {
      const auto b = bytes_of_hex(v["hex"].get<std::string>());
      return std::string(b.begin(), b.end());
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(where + ": " + e.what());
    }
  }
  throw std::runtime_error(where + ": must be a string or {\"hex\": ...}");
}

class reader {
 public:
  reader(const json& j, std::string where) : j_(j), where_(std::move(where)) {
    if (!j_.is_object()) fail("must be an object");
  }
  ~reader() {
    if (std::uncaught_exceptions() || !unknown_field.empty()) return;
    for (const auto& item : j_.items()) {
      if (!seen_.count(item.key())) {
        unknown_field = where_ + ": unknown field \"" + item.key() + "\"";
        return;
      }
    }
  }
  reader(const reader&) = delete;
  reader& operator=(const reader&) = delete;

  bool has(const std::string& k) {
    seen_.insert(k);
    return j_.contains(k) && !j_[k].is_null();
  }
  const json& at(const std::string& k) {
    if (!has(k)) fail("missing field \"" + k + "\"");
    return j_[k];
  }
  template <class T>
  T get(const std::string& k) {
    T out{};
    if (!convert(at(k), out)) fail("field \"" + k + "\" has the wrong type or is out of range");
    return out;
  }
  template <class T>
  T get_or(const std::string& k, T fallback) {
    return has(k) ? get<T>(k) : fallback;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(where_ + ": " + what);
  }
  const std::string& where() const { return where_; }

 private:
  const json& j_;
  std::string where_;
  std::set<std::string> seen_;
};

json payload_json(const payload_spec& p) {
  json j;
  if (ref::is_valid_utf8(std::span<const std::uint8_t>(p.pattern))) {
    j["text"] = std::string(p.pattern.begin(), p.pattern.end());
  } else {
    j["hex"] = hex_of(p.pattern);
  }
  if (!p.literal()) j["length"] = p.length;
  return j;
}

payload_spec read_payload(const json& j, const std::string& where) {
  reader r(j, where);
  payload_spec p;
  if (r.has("text")) {
    const auto s = r.get<std::string>("text");
    p.pattern.assign(s.begin(), s.end());
  } else if (r.has("hex")) {
    try {
      p.pattern = bytes_of_hex(r.get<std::string>("hex"));
    } catch (const std::runtime_error& e) {
      r.fail(e.what());
    }
  } else if (!r.has("length")) {
    return p;
  }
  p.length = r.get_or<std::uint64_t>("length", p.pattern.size());
  if (p.pattern.empty() && p.length > 0) r.fail("a length needs a non-empty pattern");
  return p;
}

json frame_json(const wire_frame& f) {
  json j = {{"opcode", f.opcode}, {"payload", payload_json(f.payload)}};
  if (!f.fin) j["fin"] = false;
  const int rsv = (f.rsv1 ? 4 : 0) | (f.rsv2 ? 2 : 0) | (f.rsv3 ? 1 : 0);
  if (rsv) j["rsv"] = rsv;
  if (f.mask == masking::inverted) j["mask"] = "inverted";
  if (f.key) j["key"] = hex_of({f.key->begin(), f.key->end()});
  if (f.length_bytes) j["length_bytes"] = *f.length_bytes;
  if (f.declared_length) j["declared_length"] = *f.declared_length;
  if (f.compress) j["compress"] = true;
  return j;
}

wire_frame read_frame(const json& j, const std::string& where) {
  reader r(j, where);
  wire_frame f;
  f.opcode = r.get<std::uint8_t>("opcode");
  if (f.opcode > 15) r.fail("opcode must be 0-15");
  f.payload = r.has("payload") ? read_payload(r.at("payload"), where + ".payload") : payload_spec{};
  f.fin = r.get_or<bool>("fin", true);
  const int rsv = r.get_or<int>("rsv", 0);
  if (rsv < 0 || rsv > 7) r.fail("rsv must be 0-7");
  f.rsv1 = rsv & 4;
  f.rsv2 = rsv & 2;
  f.rsv3 = rsv & 1;
  if (r.has("mask")) {
    const auto m = r.get<std::string>("mask");
    if (m != "as-role" && m != "inverted") r.fail("mask must be \"as-role\" or \"inverted\"");
    f.mask = m == "inverted" ? masking::inverted : masking::as_role;
  } else if (r.has("masked")) {
    // Case files written before masking became role-relative: they tested servers, so an
    // unmasked frame is the inverted one.
    f.mask = r.get<bool>("masked") ? masking::as_role : masking::inverted;
  }
  if (r.has("key")) {
    const auto k = bytes_of_hex(r.get<std::string>("key"));
    if (k.size() != 4) r.fail("key must be 4 bytes of hex");
    f.key = ref::mask_key{k[0], k[1], k[2], k[3]};
  }
  if (r.has("length_bytes")) {
    const auto lb = r.get<int>("length_bytes");
    if (lb != 0 && lb != 2 && lb != 8) r.fail("length_bytes must be 0, 2 or 8");
    f.length_bytes = static_cast<std::uint8_t>(lb);
  }
  if (r.has("declared_length")) f.declared_length = r.get<std::uint64_t>("declared_length");
  f.compress = r.get_or<bool>("compress", false);
  return f;
}

json frames_json(const std::vector<wire_frame>& frames) {
  json a = json::array();
  for (const auto& f : frames) a.push_back(frame_json(f));
  return a;
}

std::vector<wire_frame> read_frames(const json& j, const std::string& where) {
  if (!j.is_array()) throw std::runtime_error(where + ": must be an array of frames");
  std::vector<wire_frame> out;
  for (std::size_t i = 0; i < j.size(); ++i)
    out.push_back(read_frame(j[i], where + "[" + std::to_string(i) + "]"));
  return out;
}

json step_json(const step& s) {
  return std::visit(
      [](const auto& v) -> json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, send_frames>) {
          return {{"send_frames",
                   {{"frames", frames_json(v.frames)},
                    {"chop", v.chop},
                    {"pause_ms", v.pause.count()}}}};
        } else if constexpr (std::is_same_v<T, send_raw>) {
          return {{"send_raw",
                   {{"bytes", payload_json(v.bytes)},
                    {"chop", v.chop},
                    {"pause_ms", v.pause.count()}}}};
        } else if constexpr (std::is_same_v<T, send_message>) {
          return {{"send_message",
                   {{"opcode", v.opcode},
                    {"payload", payload_json(v.payload)},
                    {"fragment", v.fragment},
                    {"compress", v.compress}}}};
        } else if constexpr (std::is_same_v<T, pause_step>) {
          return {{"pause", {{"ms", v.duration.count()}}}};
        } else if constexpr (std::is_same_v<T, await_step>) {
          return {
              {"await",
               {{"messages", v.messages}, {"pongs", v.pongs}, {"timeout_ms", v.timeout.count()}}}};
        } else if constexpr (std::is_same_v<T, close_step>) {
          json c = {{"code", v.code ? json(*v.code) : json(nullptr)},
                    {"reason", bytes_text_json(v.reason)}};
          if (v.raw_payload) c["raw"] = payload_json(*v.raw_payload);
          if (!v.then.empty()) c["then"] = frames_json(v.then);
          return {{"close", c}};
        } else if constexpr (std::is_same_v<T, shutdown_step>) {
          return {{"shutdown", json::object()}};
        } else if constexpr (std::is_same_v<T, mark_step>) {
          return {{"mark", {{"label", v.label}}}};
        } else if constexpr (std::is_same_v<T, message_stream>) {
          return {{"stream",
                   {{"corpus", std::string(to_string(v.source))},
                    {"opcode", v.opcode},
                    {"units", v.units},
                    {"count", v.count},
                    {"fragment", v.fragment},
                    {"compress", v.compress},
                    {"timeout_ms", v.timeout.count()}}}};
        } else {
          return {{"round_trips",
                   {{"opcode", v.opcode},
                    {"payload", payload_json(v.payload)},
                    {"count", v.count},
                    {"timeout_ms", v.timeout.count()}}}};
        }
      },
      s);
}

step read_step(const json& j, const std::string& where) {
  if (!j.is_object() || j.size() != 1)
    throw std::runtime_error(where + ": a step is an object with exactly one key");
  const std::string name = j.begin().key();
  const json& body = j.begin().value();
  const std::string w = where + "." + name;
  reader r(body, w);
  using ms = std::chrono::milliseconds;
  if (name == "send_frames")
    return send_frames{read_frames(r.at("frames"), w + ".frames"), r.get_or<std::size_t>("chop", 0),
                       ms(r.get_or<std::int64_t>("pause_ms", 0))};
  if (name == "send_raw")
    return send_raw{read_payload(r.at("bytes"), w + ".bytes"), r.get_or<std::size_t>("chop", 0),
                    ms(r.get_or<std::int64_t>("pause_ms", 0))};
  if (name == "send_message")
    return send_message{r.get<std::uint8_t>("opcode"),
                        read_payload(r.at("payload"), w + ".payload"),
                        r.get_or<std::size_t>("fragment", 0), r.get_or<bool>("compress", false)};
  if (name == "pause") return pause_step{ms(r.get<std::int64_t>("ms"))};
  if (name == "await")
    return await_step{r.get_or<std::size_t>("messages", 0), r.get_or<std::size_t>("pongs", 0),
                      ms(r.get_or<std::int64_t>("timeout_ms", 2000))};
  if (name == "close") {
    close_step c;
    if (r.has("code")) c.code = r.get<std::uint16_t>("code");
    if (r.has("reason")) c.reason = read_bytes_text(r.at("reason"), w + ".reason");
    if (r.has("raw")) c.raw_payload = read_payload(r.at("raw"), w + ".raw");
    if (r.has("then")) c.then = read_frames(r.at("then"), w + ".then");
    return c;
  }
  if (name == "shutdown") return shutdown_step{};
  if (name == "mark") return mark_step{r.get<std::string>("label")};
  if (name == "round_trips")
    return round_trips_step{
        r.get<std::uint8_t>("opcode"), read_payload(r.at("payload"), w + ".payload"),
        r.get<std::size_t>("count"), ms(r.get_or<std::int64_t>("timeout_ms", 60000))};
  if (name == "stream") {
    message_stream m;
    const auto source = r.get<std::string>("corpus");
    const auto kind = corpus_from_string(source);
    if (!kind) r.fail("corpus is json, prose, html, image or noise");
    m.source = *kind;
    m.opcode = r.get_or<std::uint8_t>("opcode", 1);
    if (m.opcode != 1 && m.opcode != 2) r.fail("opcode is 1 (text) or 2 (binary)");
    if (m.opcode == 1 && !is_text(m.source)) r.fail("a binary corpus is sent as binary (opcode 2)");
    m.units = r.get<std::size_t>("units");
    m.count = r.get<std::size_t>("count");
    if (m.units > (1u << 24) || m.count > 100000)
      r.fail("units is at most 16777216 and count at most 100000");
    m.fragment = r.get_or<std::size_t>("fragment", 0);
    m.compress = r.get_or<bool>("compress", true);
    m.timeout = ms(r.get_or<std::int64_t>("timeout_ms", 60000));
    return m;
  }
  throw std::runtime_error(where + ": unknown step \"" + name + "\"");
}

template <class E, std::size_t N>
E word_to(const std::string& w, const E (&all)[N], const std::string& where) {
  for (E e : all)
    if (to_string(e) == w) return e;
  throw std::runtime_error(where + ": unknown value \"" + w + "\"");
}

constexpr level all_levels[] = {level::must, level::should, level::may};
constexpr role_set all_roles[] = {role_set::server, role_set::client, role_set::both};
constexpr verdict all_verdicts[] = {
    verdict::ok,     verdict::non_strict, verdict::informational, verdict::unimplemented,
    verdict::failed, verdict::error};

std::string_view who_word(close_expectation::who w) {
  switch (w) {
    case close_expectation::who::harness:
      return "wsspec";
    case close_expectation::who::target:
      return "target";
    case close_expectation::who::any:
      return "any";
  }
  return "any";
}

std::string_view outcome_word(handshake_expectation::outcome o) {
  switch (o) {
    case handshake_expectation::outcome::accept:
      return "accept";
    case handshake_expectation::outcome::reject:
      return "reject";
    case handshake_expectation::outcome::either:
      return "either";
  }
  return "either";
}

json header_pairs_json(const std::vector<ref::header_field>& fields) {
  json a = json::array();
  for (const auto& f : fields) a.push_back({f.name, bytes_text_json(f.value)});
  return a;
}

std::vector<ref::header_field> read_header_pairs(reader& r, const std::string& key) {
  std::vector<ref::header_field> out;
  const json& list = r.at(key);
  if (!list.is_array()) r.fail(key + " holds [name, value] pairs of strings");
  for (const auto& pair : list) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string())
      r.fail(key + " holds [name, value] pairs of strings");
    out.push_back({pair[0].get<std::string>(), read_bytes_text(pair[1], r.where() + "." + key)});
  }
  return out;
}

// A pause or delay in milliseconds: not negative, at most an hour.
std::chrono::milliseconds read_ms(reader& r, const std::string& key) {
  const auto v = r.get<std::int64_t>(key);
  if (v < 0 || v > 3600000) r.fail(key + " must be between 0 and 3600000");
  return std::chrono::milliseconds(v);
}

// Text that goes into a head wsspec builds must not break its lines: a case that needs bytes
// outside a field's grammar writes the whole response as "raw".
void check_head_text(reader& r, const std::string& key, const std::string& text) {
  if (text.find_first_of("\r\n") != std::string::npos)
    r.fail(key + " must not hold CR or LF (write the whole response as \"raw\" instead)");
}

// The fields of the response wsspec builds for a client, which a case may leave out.
constexpr const char* response_fields[] = {"Upgrade", "Connection", "Sec-WebSocket-Accept",
                                           "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions"};

// Testing a client: only what differs from the default 101 response is written.
json response_json(const response_spec& rs) {
  json j = json::object();
  if (rs.status != 101) j["status"] = rs.status;
  if (rs.reason) j["reason"] = *rs.reason;
  if (rs.accept) j["accept"] = *rs.accept;
  if (rs.subprotocol) j["subprotocol"] = *rs.subprotocol;
  if (rs.extensions) j["extensions"] = *rs.extensions;
  if (!rs.extra_headers.empty()) j["extra_headers"] = header_pairs_json(rs.extra_headers);
  if (!rs.omit_headers.empty()) j["omit_headers"] = rs.omit_headers;
  if (rs.raw) j["raw"] = *rs.raw;
  if (rs.chop) j["chop"] = rs.chop;
  if (rs.pause.count()) j["pause_ms"] = rs.pause.count();
  if (!rs.frames_with_response.empty())
    j["frames_with_response"] = frames_json(rs.frames_with_response);
  return j;
}

response_spec read_response(const json& j, const std::string& where) {
  reader r(j, where);
  response_spec rs;
  if (r.has("status")) {
    rs.status = r.get<int>("status");
    // RFC 9112 §4: status-code = 3DIGIT.
    if (rs.status < 100 || rs.status > 999)
      r.fail("status must be a three-digit HTTP status code (100-999)");
  }
  const auto text = [&](const char* key, std::optional<std::string>& out) {
    if (!r.has(key)) return;
    out = r.get<std::string>(key);
    check_head_text(r, key, *out);
  };
  text("reason", rs.reason);
  text("accept", rs.accept);
  text("subprotocol", rs.subprotocol);
  text("extensions", rs.extensions);
  if (r.has("extra_headers")) {
    rs.extra_headers = read_header_pairs(r, "extra_headers");
    for (const auto& f : rs.extra_headers) {
      if (!ref::is_token(f.name)) r.fail("extra_headers: \"" + f.name + "\" is not a field name");
      check_head_text(r, "extra_headers", f.value);
    }
  }
  if (r.has("omit_headers")) {
    rs.omit_headers = r.get<std::vector<std::string>>("omit_headers");
    for (const auto& name : rs.omit_headers) {
      const bool known = std::any_of(std::begin(response_fields), std::end(response_fields),
                                     [&](const char* f) { return ref::iequals(name, f); });
      if (!known)
        r.fail("omit_headers names \"" + name +
               "\", which is no field of the response wsspec builds (Upgrade, Connection, "
               "Sec-WebSocket-Accept, Sec-WebSocket-Protocol, Sec-WebSocket-Extensions)");
    }
  }
  if (r.has("raw")) {
    rs.raw = r.get<std::string>("raw");
    if (rs.raw->empty()) r.fail("raw must not be empty");
  }
  rs.chop = r.get_or<std::size_t>("chop", 0);
  if (r.has("pause_ms")) rs.pause = read_ms(r, "pause_ms");
  if (rs.pause.count() > 0 && rs.chop == 0) r.fail("pause_ms needs a chop to pause between");
  if (r.has("frames_with_response"))
    rs.frames_with_response =
        read_frames(r.at("frames_with_response"), where + ".frames_with_response");
  return rs;
}

}  // namespace

json to_json(const case_def& c) {
  json hs = json::object();
  const auto& h = c.handshake;
  if (h.raw_request) hs["raw_request"] = bytes_text_json(*h.raw_request);
  if (!h.extra_headers.empty()) hs["extra_headers"] = header_pairs_json(h.extra_headers);
  if (!h.omit_headers.empty()) hs["omit_headers"] = h.omit_headers;
  if (!h.subprotocols.empty()) hs["subprotocols"] = h.subprotocols;
  if (!h.extensions.empty()) hs["extensions"] = ref::format_extensions(h.extensions);
  if (!h.deflate_offers.empty()) {
    json offers = json::array();
    for (const auto& o : h.deflate_offers)
      offers.push_back(ref::format_extensions({ref::to_extension(o)}));
    hs["deflate_offers"] = offers;
  }
  if (h.deflate_answer) {
    const auto& p = *h.deflate_answer;
    hs["deflate_answer"] = {{"accept", p.enabled},
                            {"server_no_context_takeover", p.server_no_context_takeover},
                            {"client_no_context_takeover", p.client_no_context_takeover},
                            {"server_max_window_bits", p.server_max_window_bits},
                            {"client_max_window_bits", p.client_max_window_bits}};
  }
  if (h.chop) hs["chop"] = h.chop;
  if (h.pause.count()) hs["pause_ms"] = h.pause.count();
  if (!h.frames_with_request.empty())
    hs["frames_with_request"] = frames_json(h.frames_with_request);
  if (h.response != response_spec{}) hs["response"] = response_json(h.response);

  json steps = json::array();
  for (const auto& s : c.steps) steps.push_back(step_json(s));

  json outcomes = json::array();
  for (const auto& o : c.expect.outcomes) {
    json events = json::array();
    for (const auto& e : o.events)
      events.push_back({{"kind", e.what == expected_event::kind::pong ? "pong" : "message"},
                        {"opcode", e.opcode},
                        {"payload", payload_json(e.payload)}});
    json jo = {{"result", std::string(to_string(o.result))}, {"events", events}};
    if (o.target_closed) jo["target_closed"] = true;
    if (!o.refusal_codes.empty()) jo["refusal_codes"] = o.refusal_codes;
    outcomes.push_back(std::move(jo));
  }
  const auto& ce = c.expect.close;
  json expect = {{"outcomes", outcomes},
                 {"close",
                  {{"closes", std::string(who_word(ce.closes))},
                   {"codes", ce.codes},
                   {"allow_drop", ce.allow_drop},
                   {"require_clean", ce.require_clean},
                   {"decides_behavior", ce.decides_behavior}}},
                 {"compare", c.expect.compare == compare_mode::exact ? "exact" : "length"}};
  if (ce.server_close_delay.count())
    expect["close"]["server_close_delay_ms"] = ce.server_close_delay.count();
  if (c.expect.fail_before_mark) expect["fail_before_mark"] = *c.expect.fail_before_mark;
  if (c.expect.informational) expect["informational"] = true;
  if (c.expect.requires_deflate) expect["requires_deflate"] = true;
  if (c.expect.echo_streams) expect["echo_streams"] = true;
  if (!c.expect.forbidden_pongs.empty()) {
    json pongs = json::array();
    for (const auto& p : c.expect.forbidden_pongs) pongs.push_back(payload_json(p));
    expect["forbidden_pongs"] = pongs;
  }
  if (!c.expect.pongs_before.empty()) {
    json due = json::array();
    for (const auto& p : c.expect.pongs_before)
      due.push_back({{"payload", payload_json(p.payload)}, {"mark", p.mark}});
    expect["pongs_before"] = due;
  }
  if (c.expect.handshake) {
    const auto& hx = *c.expect.handshake;
    json jh = {{"outcome", std::string(outcome_word(hx.expect))}};
    if (!hx.statuses.empty()) jh["statuses"] = hx.statuses;
    if (hx.require_version_header) jh["require_version_header"] = true;
    if (hx.subprotocol) jh["subprotocol"] = *hx.subprotocol;
    if (hx.no_extensions) jh["no_extensions"] = true;
    if (hx.deflate != handshake_expectation::deflate_outcome::either)
      jh["deflate"] =
          hx.deflate == handshake_expectation::deflate_outcome::accept ? "accept" : "decline";
    if (hx.refusal_informs) jh["refusal_informs"] = true;
    expect["handshake"] = jh;
  }
  json j = {{"id", c.id},
            {"rfc", c.rfc},
            {"section", c.section},
            {"requirement", c.requirement},
            {"level", std::string(to_string(c.lvl))},
            {"roles", std::string(to_string(c.roles))},
            {"autobahn", c.autobahn},
            {"description", c.description},
            {"budget_ms", c.budget.count()},
            {"steps", steps},
            {"expect", expect}};
  if (!c.note.empty()) j["note"] = c.note;
  if (!c.rules.empty()) {
    json rules = json::array();
    for (auto e : c.rules) rules.push_back(std::string(ref::name(e)));
    j["rules"] = rules;
  }
  if (c.performance) j["performance"] = true;
  if (!hs.empty()) j["handshake"] = hs;
  if (!c.source_file.empty()) j["source"] = {{"file", c.source_file}, {"line", c.source_line}};
  return j;
}

static case_def read_case(const json& j) {
  std::string where = "case";
  if (j.is_object() && j.contains("id") && j["id"].is_string())
    where = "case " + j["id"].get<std::string>();
  reader r(j, where);
  case_def c;
  c.id = r.get<std::string>("id");
  c.rfc = r.get_or<std::string>("rfc", "RFC 6455");
  c.section = r.get<std::string>("section");
  c.requirement = r.get<std::string>("requirement");
  c.lvl = word_to(r.get_or<std::string>("level", "MUST"), all_levels, where + ".level");
  c.roles = word_to(r.get_or<std::string>("roles", "both"), all_roles, where + ".roles");
  c.autobahn = r.get_or<std::string>("autobahn", "");
  c.description = r.get<std::string>("description");
  c.note = r.get_or<std::string>("note", "");
  if (r.has("rules")) {
    for (const auto& w : r.get<std::vector<std::string>>("rules")) {
      bool found = false;
      for (std::size_t i = 0; i < ref::error_count && !found; ++i) {
        const auto e = static_cast<ref::error>(i);
        if (ref::name(e) == w) {
          c.rules.push_back(e);
          found = true;
        }
      }
      if (!found) r.fail("rules names '" + w + "', which is not a reference rule");
    }
  }
  c.budget = std::chrono::milliseconds(r.get_or<std::int64_t>("budget_ms", 3000));
  if (c.budget.count() <= 0 || c.budget > std::chrono::hours(1))
    r.fail("budget_ms must be between 1 and 3600000");
  c.performance = r.get_or<bool>("performance", false);
  // Where the case was defined, as `wsspec list --json` writes it: kept, never acted on.
  if (r.has("source")) {
    reader src(r.at("source"), where + ".source");
    c.source_file = src.get<std::string>("file");
    c.source_line = src.get_or<unsigned>("line", 0);
  }
  if (r.has("handshake")) {
    reader h(r.at("handshake"), where + ".handshake");
    auto& hs = c.handshake;
    if (h.has("raw_request"))
      hs.raw_request = read_bytes_text(h.at("raw_request"), where + ".handshake.raw_request");
    if (h.has("extra_headers")) hs.extra_headers = read_header_pairs(h, "extra_headers");
    if (h.has("omit_headers")) hs.omit_headers = h.get<std::vector<std::string>>("omit_headers");
    if (h.has("subprotocols")) hs.subprotocols = h.get<std::vector<std::string>>("subprotocols");
    if (h.has("extensions")) {
      auto parsed = ref::parse_extensions(h.get<std::string>("extensions"));
      if (!parsed) h.fail("extensions does not follow the Sec-WebSocket-Extensions grammar");
      hs.extensions = *parsed;
    }
    // "offer_deflate": true, from earlier case files: the one default offer.
    if (h.get_or<bool>("offer_deflate", false)) {
      ref::deflate_offer offer;
      offer.client_max_window_bits_present = true;
      hs.deflate_offers.push_back(offer);
    }
    if (h.has("deflate_offers")) {
      for (const auto& text : h.get<std::vector<std::string>>("deflate_offers")) {
        auto parsed = ref::parse_extensions(text);
        if (!parsed || parsed->size() != 1 || parsed->front().name != ref::permessage_deflate_name)
          h.fail("deflate_offers holds one permessage-deflate element per string");
        auto offer = ref::parse_deflate_offer(parsed->front());
        if (!offer)
          h.fail("deflate_offers: \"" + text +
                 "\" is no valid offer (a malformed one goes in \"extensions\")");
        hs.deflate_offers.push_back(*offer);
      }
    }
    if (h.has("deflate_answer")) {
      reader a(h.at("deflate_answer"), where + ".handshake.deflate_answer");
      ref::deflate_server_policy p;
      p.enabled = a.get_or<bool>("accept", true);
      p.server_no_context_takeover = a.get_or<bool>("server_no_context_takeover", false);
      p.client_no_context_takeover = a.get_or<bool>("client_no_context_takeover", false);
      p.server_max_window_bits = a.get_or<int>("server_max_window_bits", 15);
      p.client_max_window_bits = a.get_or<int>("client_max_window_bits", 15);
      for (int bits : {p.server_max_window_bits, p.client_max_window_bits})
        if (bits < 8 || bits > 15) a.fail("window bits are 8 to 15");
      hs.deflate_answer = p;
    }
    hs.chop = h.get_or<std::size_t>("chop", 0);
    hs.pause = std::chrono::milliseconds(h.get_or<std::int64_t>("pause_ms", 0));
    if (h.has("frames_with_request"))
      hs.frames_with_request =
          read_frames(h.at("frames_with_request"), where + ".handshake.frames_with_request");
    if (h.has("response")) {
      hs.response = read_response(h.at("response"), where + ".handshake.response");
      // A response is wsspec's answer to a client; a case that tests servers sends none.
      if (hs.response != response_spec{} && applies_to(c.roles, ref::role::server))
        h.fail("response is for cases that test clients only (roles \"client\")");
    }
  }
  const json& steps = r.at("steps");
  if (!steps.is_array()) r.fail("steps must be an array");
  for (std::size_t i = 0; i < steps.size(); ++i)
    c.steps.push_back(read_step(steps[i], where + ".steps[" + std::to_string(i) + "]"));
  reader e(r.at("expect"), where + ".expect");
  if (e.has("outcomes")) {
    for (const auto& oj : e.at("outcomes")) {
      reader o(oj, where + ".expect.outcomes");
      outcome out;
      out.result = word_to(o.get_or<std::string>("result", "OK"), all_verdicts, o.where());
      if (o.has("events")) {
        for (const auto& ev : o.at("events")) {
          reader er(ev, o.where() + ".events");
          expected_event x;
          const auto kind = er.get_or<std::string>("kind", "message");
          if (kind != "message" && kind != "pong") er.fail("kind is message or pong");
          x.what = kind == "pong" ? expected_event::kind::pong : expected_event::kind::message;
          x.opcode =
              er.get_or<std::uint8_t>("opcode", x.what == expected_event::kind::pong ? 10 : 1);
          x.payload = er.has("payload") ? read_payload(er.at("payload"), er.where() + ".payload")
                                        : payload_spec{};
          out.events.push_back(std::move(x));
        }
      }
      out.target_closed = o.get_or<bool>("target_closed", false);
      out.refusal_codes = o.get_or<std::vector<std::uint16_t>>("refusal_codes", {});
      c.expect.outcomes.push_back(std::move(out));
    }
  }
  if (e.has("close")) {
    reader cl(e.at("close"), where + ".expect.close");
    auto& ce = c.expect.close;
    const auto who = cl.get_or<std::string>("closes", "wsspec");
    if (who == "wsspec") {
      ce.closes = close_expectation::who::harness;
    } else if (who == "target") {
      ce.closes = close_expectation::who::target;
    } else if (who == "any") {
      ce.closes = close_expectation::who::any;
    } else {
      cl.fail("closes is wsspec, target or any");
    }
    ce.codes = cl.get_or<std::vector<std::uint16_t>>("codes", ce.codes);
    ce.allow_drop = cl.get_or<bool>("allow_drop", ce.allow_drop);
    ce.require_clean = cl.get_or<bool>("require_clean", ce.require_clean);
    ce.decides_behavior = cl.get_or<bool>("decides_behavior", ce.decides_behavior);
    // Testing a client: how long wsspec holds its TCP close back (RFC 6455 §7.1.1).
    if (cl.has("server_close_delay_ms"))
      ce.server_close_delay = read_ms(cl, "server_close_delay_ms");
  }
  const auto compare = e.get_or<std::string>("compare", "exact");
  if (compare != "exact" && compare != "length") e.fail("compare is exact or length");
  c.expect.compare = compare == "exact" ? compare_mode::exact : compare_mode::length;
  if (e.has("fail_before_mark")) c.expect.fail_before_mark = e.get<std::string>("fail_before_mark");
  c.expect.informational = e.get_or<bool>("informational", false);
  c.expect.requires_deflate = e.get_or<bool>("requires_deflate", false);
  c.expect.echo_streams = e.get_or<bool>("echo_streams", false);
  if (e.has("forbidden_pongs")) {
    const json& pongs = e.at("forbidden_pongs");
    if (!pongs.is_array()) e.fail("forbidden_pongs must be an array of payloads");
    for (std::size_t i = 0; i < pongs.size(); ++i)
      c.expect.forbidden_pongs.push_back(
          read_payload(pongs[i], where + ".expect.forbidden_pongs[" + std::to_string(i) + "]"));
  }
  if (e.has("pongs_before")) {
    const json& due = e.at("pongs_before");
    if (!due.is_array()) e.fail("pongs_before must be an array of {payload, mark}");
    for (std::size_t i = 0; i < due.size(); ++i) {
      reader pr(due[i], where + ".expect.pongs_before[" + std::to_string(i) + "]");
      c.expect.pongs_before.push_back(
          {read_payload(pr.at("payload"), pr.where() + ".payload"), pr.get<std::string>("mark")});
    }
  }
  if (e.has("handshake")) {
    reader hx(e.at("handshake"), where + ".expect.handshake");
    handshake_expectation x;
    const auto o = hx.get_or<std::string>("outcome", "accept");
    if (o == "accept") {
      x.expect = handshake_expectation::outcome::accept;
    } else if (o == "reject") {
      x.expect = handshake_expectation::outcome::reject;
    } else if (o == "either") {
      x.expect = handshake_expectation::outcome::either;
    } else {
      hx.fail("outcome is accept, reject or either");
    }
    x.statuses = hx.get_or<std::vector<int>>("statuses", {});
    x.require_version_header = hx.get_or<bool>("require_version_header", false);
    if (hx.has("subprotocol")) x.subprotocol = hx.get<std::string>("subprotocol");
    x.no_extensions = hx.get_or<bool>("no_extensions", false);
    const auto deflate = hx.get_or<std::string>("deflate", "either");
    if (deflate == "either") {
      x.deflate = handshake_expectation::deflate_outcome::either;
    } else if (deflate == "accept") {
      x.deflate = handshake_expectation::deflate_outcome::accept;
    } else if (deflate == "decline") {
      x.deflate = handshake_expectation::deflate_outcome::decline;
    } else {
      hx.fail("deflate is either, accept or decline");
    }
    x.refusal_informs = hx.get_or<bool>("refusal_informs", false);
    c.expect.handshake = x;
  }
  return c;
}

case_def case_from_json(const json& j) {
  unknown_field.clear();
  case_def c = read_case(j);
  if (!unknown_field.empty()) throw std::runtime_error(std::exchange(unknown_field, {}));
  return c;
}

std::vector<case_def> read_case_file(std::istream& in) {
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::exception& e) {
    // A syntax error, or a number JSON allows but a double cannot hold.
    throw std::runtime_error(std::string("not JSON: ") + e.what());
  }
  const json* list = &doc;
  if (doc.is_object() && doc.contains("cases")) list = &doc["cases"];
  if (!list->is_array()) throw std::runtime_error("a case file is an array of cases");
  std::vector<case_def> out;
  for (const auto& c : *list) out.push_back(case_from_json(c));
  return out;
}

}  // namespace wsspec::harness
