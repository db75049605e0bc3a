#include "wsspec/reference/handshake.hpp"

#include <algorithm>

#include "wsspec/reference/enforcement.hpp"
#include "wsspec/reference/sha1.hpp"

namespace wsspec::ref {
namespace {

constexpr std::string_view base64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// RFC 6455 §1.3: the GUID appended to the key before hashing.
constexpr std::string_view accept_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

int base64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

void add_field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

// True when any element of any field line `name` is an ASCII case-insensitive match for `token`.
bool list_contains(const http_head& head, std::string_view name, std::string_view token) {
  for (const auto value : head.all(name))
    for (const auto element : split_list(value))
      if (iequals(element, token)) return true;
  return false;
}

std::string_view reason_for(std::uint16_t status) noexcept {
  switch (status) {
    case 400:
      return "Bad Request";
    case 405:
      return "Method Not Allowed";
    case 426:
      return "Upgrade Required";
    case 431:
      return "Request Header Fields Too Large";
    default:
      return "Error";
  }
}

}  // namespace

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) |
                            std::uint32_t{bytes[i + 2]};
    out.push_back(base64_alphabet[(v >> 18) & 0x3f]);
    out.push_back(base64_alphabet[(v >> 12) & 0x3f]);
    out.push_back(base64_alphabet[(v >> 6) & 0x3f]);
    out.push_back(base64_alphabet[v & 0x3f]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = std::uint32_t{bytes[i]} << 16;
    out.push_back(base64_alphabet[(v >> 18) & 0x3f]);
    out.push_back(base64_alphabet[(v >> 12) & 0x3f]);
    out += "==";
  } else if (rest == 2) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8);
    out.push_back(base64_alphabet[(v >> 18) & 0x3f]);
    out.push_back(base64_alphabet[(v >> 12) & 0x3f]);
    out.push_back(base64_alphabet[(v >> 6) & 0x3f]);
    out.push_back('=');
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
  // RFC 4648 §4: the encoding is a whole number of 4-character groups; §3.3: characters outside
  // the alphabet are rejected; §3.5: the pad bits of the last group must be zero (canonical).
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t pad = 0;
  if (!text.empty() && text.back() == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
  const std::size_t data = text.size() - pad;
  std::vector<std::uint8_t> out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < data; ++i) {
    const int v = base64_value(text[i]);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string accept_for_key(std::string_view key) {
  std::string input(key);
  input += accept_guid;
  // RFC 6455 §4.2.2: the accept value is the base64 of the SHA-1 of key + GUID.
  const sha1_digest digest = sha1(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(input.data()), input.size()));
  return base64_encode(digest);
}

std::string key_for_nonce(const std::array<std::uint8_t, 16>& nonce) {
  // RFC 6455 §4.1: the key is a randomly selected 16-byte value that has been base64-encoded.
  return base64_encode(nonce);
}

std::vector<header_field> request_fields(const client_request& req, std::string_view key) {
  std::vector<header_field> f{{"Host", req.host},
                              {"Upgrade", "websocket"},
                              {"Connection", "Upgrade"},
                              {"Sec-WebSocket-Key", std::string(key)},
                              {"Sec-WebSocket-Version", "13"}};
  if (!req.subprotocols.empty()) {
    std::string list;
    for (const auto& p : req.subprotocols) {
      if (!list.empty()) list += ", ";
      list += p;
    }
    f.push_back({"Sec-WebSocket-Protocol", list});
  }
  if (!req.extensions.empty())
    f.push_back({"Sec-WebSocket-Extensions", format_extensions(req.extensions)});
  if (req.origin) f.push_back({"Origin", *req.origin});
  f.insert(f.end(), req.extra_headers.begin(), req.extra_headers.end());
  return f;
}

std::vector<std::string> field_lines(const std::vector<header_field>& fields) {
  std::vector<std::string> lines;
  lines.reserve(fields.size());
  for (const auto& f : fields) lines.push_back(f.name + ": " + f.value);
  return lines;
}

std::string format_head(std::string_view start_line, const std::vector<std::string>& lines) {
  std::string out(start_line);
  out += "\r\n";
  for (const auto& l : lines) {
    out += l;
    out += "\r\n";
  }
  return out + "\r\n";
}

std::string build_request(const client_request& req) {
  return format_head("GET " + req.target + " HTTP/1.1",
                     field_lines(request_fields(req, key_for_nonce(req.nonce))));
}

result<handshake_request> validate_request(const http_head& head) {
  if (!head.is_request) return error::bad_request_line;
  // Each check below is skipped by a lax server that has the rule switched off (see enforced()).
  const auto broken = [](bool violated, error e) { return violated && enforced(e); };
  // RFC 6455 §4.2.1 (1): the method of the request MUST be GET.
  if (broken(head.method != "GET", error::bad_method)) return error::bad_method;
  // RFC 6455 §4.2.1 (1): the request MUST be HTTP/1.1 or higher.
  if (broken(head.version_major < 1 || (head.version_major == 1 && head.version_minor < 1),
             error::bad_http_version))
    return error::bad_http_version;

  handshake_request out;
  out.target = head.target;

  // RFC 6455 §4.2.1 (2): the request MUST contain a Host header field; RFC 9112 §3.2: a request
  // with more than one Host field line is rejected.
  const auto hosts = head.all("Host");
  if (broken(hosts.empty() || hosts.front().empty(), error::missing_host))
    return error::missing_host;
  if (broken(hosts.size() > 1, error::duplicate_host)) return error::duplicate_host;
  if (!hosts.empty()) out.host = hosts.front();

  // RFC 6455 §4.2.1 (3): Upgrade MUST contain "websocket", ASCII case-insensitive.
  if (broken(!list_contains(head, "Upgrade", "websocket"), error::bad_upgrade))
    return error::bad_upgrade;
  // RFC 6455 §4.2.1 (4): Connection MUST include the token "Upgrade", ASCII case-insensitive.
  if (broken(!list_contains(head, "Connection", "upgrade"), error::bad_connection))
    return error::bad_connection;

  // RFC 6455 §4.2.1 (5): Sec-WebSocket-Key MUST decode to 16 bytes; §11.3.1: it MUST NOT appear
  // more than once. A lax server hashes whatever key came first.
  const auto keys = head.all("Sec-WebSocket-Key");
  if (broken(keys.empty(), error::missing_key)) return error::missing_key;
  if (broken(keys.size() > 1, error::duplicate_key)) return error::duplicate_key;
  if (!keys.empty()) {
    const auto decoded = base64_decode(keys.front());
    if (broken(!decoded || decoded->size() != 16, error::bad_key)) return error::bad_key;
    out.key = keys.front();
  }

  // RFC 6455 §4.2.1 (6): Sec-WebSocket-Version MUST be 13; §11.3.5: at most one such field.
  const auto versions = head.all("Sec-WebSocket-Version");
  if (broken(versions.empty(), error::missing_version)) return error::missing_version;
  if (broken(versions.size() > 1, error::duplicate_version)) return error::duplicate_version;
  if (broken(!versions.empty() && versions.front() != "13", error::unsupported_version))
    return error::unsupported_version;

  // RFC 6455 §4.1: Sec-WebSocket-Protocol is 1#token whose elements MUST all be unique (a MUST
  // of the client: a server may as well skip a repeated name). A lax server skips what it cannot
  // use.
  for (const auto value : head.all("Sec-WebSocket-Protocol")) {
    const auto elements = split_list(value);
    if (broken(elements.empty(), error::bad_subprotocol)) return error::bad_subprotocol;
    for (const auto element : elements) {
      if (!is_token(element)) {
        if (enforced(error::bad_subprotocol)) return error::bad_subprotocol;
        continue;
      }
      const bool repeated = std::find(out.subprotocols.begin(), out.subprotocols.end(), element) !=
                            out.subprotocols.end();
      if (repeated) {
        if (enforced(error::duplicate_subprotocol)) return error::duplicate_subprotocol;
        continue;
      }
      out.subprotocols.emplace_back(element);
    }
  }

  // RFC 6455 §9.1: a Sec-WebSocket-Extensions value that does not conform to the ABNF MUST fail
  // the handshake. A lax server ignores what it cannot parse.
  const auto extension_values = head.all("Sec-WebSocket-Extensions");
  if (!extension_values.empty()) {
    auto extensions = parse_extensions(extension_values);
    if (extensions) {
      out.extensions = std::move(extensions).value();
    } else if (enforced(extensions.err())) {
      return extensions.err();
    }
  }

  // RFC 6455 §4.2.1 (7): an optional Origin header field.
  if (const auto* origin = head.find("Origin")) out.origin = *origin;
  return out;
}

std::string build_response(const handshake_response& resp) {
  // RFC 6455 §4.2.2 (5): status 101, Upgrade: websocket, Connection: Upgrade, the accept value,
  // and the selected subprotocol and extensions if any.
  std::string out = "HTTP/1.1 101 Switching Protocols\r\n";
  add_field(out, "Upgrade", "websocket");
  add_field(out, "Connection", "Upgrade");
  add_field(out, "Sec-WebSocket-Accept", resp.accept);
  if (resp.subprotocol) add_field(out, "Sec-WebSocket-Protocol", *resp.subprotocol);
  if (!resp.extensions.empty())
    add_field(out, "Sec-WebSocket-Extensions", format_extensions(resp.extensions));
  for (const auto& f : resp.extra_headers) add_field(out, f.name, f.value);
  out += "\r\n";
  return out;
}

std::string build_rejection(error e) {
  std::uint16_t status = http_status_for(e);
  if (status == 0) status = 400;
  std::string out = "HTTP/1.1 ";
  out += std::to_string(status);
  out.push_back(' ');
  out += reason_for(status);
  out += "\r\n";
  if (status == 405) {
    // RFC 9110 §15.5.6: a 405 response MUST carry an Allow field with the supported methods.
    add_field(out, "Allow", "GET");
  }
  if (status == 426) {
    // RFC 9110 §15.5.22: a 426 response MUST carry an Upgrade field naming the protocol, and
    // RFC 9110 §7.8: a sender of Upgrade MUST also send the "upgrade" connection option.
    add_field(out, "Upgrade", "websocket");
    add_field(out, "Connection", "Upgrade, close");
  } else {
    add_field(out, "Connection", "close");
  }
  if (e == error::missing_version || e == error::unsupported_version) {
    // RFC 6455 §4.4: a server that does not understand the version answers with the versions it
    // supports in Sec-WebSocket-Version.
    add_field(out, "Sec-WebSocket-Version", "13");
  }
  add_field(out, "Content-Length", "0");
  out += "\r\n";
  return out;
}

result<handshake_accepted> validate_response(const http_head& head, std::string_view key,
                                             const std::vector<std::string>& offered_subprotocols,
                                             const std::vector<extension>& offered_extensions) {
  // Each check below is skipped by a lax client that has the rule switched off (see enforced()).
  const auto broken = [](bool violated, error e) { return violated && enforced(e); };
  // RFC 6455 §4.1: a status code other than 101 means the handshake has not completed.
  if (broken(head.is_request || head.status != 101, error::bad_status)) return error::bad_status;
  // RFC 6455 §4.1: the Upgrade field MUST be "websocket", ASCII case-insensitive.
  if (broken(!list_contains(head, "Upgrade", "websocket"), error::bad_upgrade))
    return error::bad_upgrade;
  // RFC 6455 §4.1: the Connection field MUST contain "Upgrade", ASCII case-insensitive.
  if (broken(!list_contains(head, "Connection", "upgrade"), error::bad_connection))
    return error::bad_connection;

  // RFC 6455 §4.1: Sec-WebSocket-Accept MUST be base64(SHA-1(key + GUID)); §11.3.3: it MUST NOT
  // appear more than once.
  const auto accepts = head.all("Sec-WebSocket-Accept");
  if (broken(accepts.empty(), error::missing_accept)) return error::missing_accept;
  if (broken(accepts.size() > 1, error::duplicate_accept)) return error::duplicate_accept;
  if (broken(!accepts.empty() && accepts.front() != accept_for_key(key), error::bad_accept))
    return error::bad_accept;

  handshake_accepted out;

  // RFC 6455 §4.2.2 and §4.1: the server selects at most one subprotocol (Sec-WebSocket-Protocol-
  // Server = token), and it MUST be one the client offered.
  const auto protocols = head.all("Sec-WebSocket-Protocol");
  if (!protocols.empty()) {
    if (broken(protocols.size() > 1 || !is_token(protocols.front()), error::bad_subprotocol))
      return error::bad_subprotocol;
    const std::string_view selected = protocols.front();
    const bool offered = std::find(offered_subprotocols.begin(), offered_subprotocols.end(),
                                   selected) != offered_subprotocols.end();
    if (broken(!offered, error::unoffered_subprotocol)) return error::unoffered_subprotocol;
    out.subprotocol = std::string(selected);
  }

  // RFC 6455 §9.1: the extensions value MUST follow the grammar; §4.1: every extension in use
  // MUST have been offered, and one extension accepted twice is not a valid negotiation.
  const auto extension_values = head.all("Sec-WebSocket-Extensions");
  if (!extension_values.empty()) {
    auto extensions = parse_extensions(extension_values);
    if (!extensions) {
      if (enforced(extensions.err())) return extensions.err();
      // A lax client ignores a malformed extensions field: no extension is in use.
      return out;
    }
    for (auto it = extensions->begin(); it != extensions->end(); ++it) {
      const bool offered = std::any_of(offered_extensions.begin(), offered_extensions.end(),
                                       [&](const extension& o) { return o.name == it->name; });
      if (broken(!offered, error::unoffered_extension)) return error::unoffered_extension;
      const bool repeated = std::any_of(extensions->begin(), it,
                                        [&](const extension& e) { return e.name == it->name; });
      if (broken(repeated, error::duplicate_extension)) return error::duplicate_extension;
    }
    out.extensions = std::move(extensions).value();
  }
  return out;
}

}  // namespace wsspec::ref
