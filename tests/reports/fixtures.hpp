// Hand-made reports for the writer tests: fixed times and durations, so that output is stable and
// golden files can be compared byte for byte. sample_report() holds every verdict for two agents;
// hostile_report() holds what a hostile target can send (invalid UTF-8, markup in close reasons and
// handshake headers, a 16 MiB message, a flood of frames).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "wsspec/reports/report.hpp"

namespace wsspec::reports::testing {

using namespace harness;

inline std::vector<std::uint8_t> bytes_of(std::string_view s) {
  return {s.begin(), s.end()};
}

inline entry make_entry(std::int64_t at_us, entry_kind k, std::string text,
                        std::vector<std::uint8_t> bytes = {}, std::uint64_t size = 0) {
  entry e;
  e.at = micros(at_us);
  e.kind = k;
  e.text = std::move(text);
  e.size = size ? size : bytes.size();
  e.bytes = std::move(bytes);
  return e;
}

inline entry frame_entry(std::int64_t at_us, bool sent, std::uint8_t opcode,
                         std::vector<std::uint8_t> preview, std::uint64_t length = 0) {
  entry e = make_entry(at_us, sent ? entry_kind::tx_frame : entry_kind::rx_frame,
                       ref::opcode_name(opcode) + " frame");
  e.header.opcode = opcode;
  e.header.length = length ? length : preview.size();
  e.header.length_bytes = e.header.length > 65535 ? 8 : e.header.length > 125 ? 2 : 0;
  if (sent) {
    // wsspec's own frames are masked on the wire; the log holds their payload unmasked.
    e.header.masked = true;
    e.header.key = {0x11, 0x22, 0x33, 0x44};
  }
  e.size = e.header.length;
  e.bytes = std::move(preview);
  return e;
}

// A result with an echo exchange in its log: handshake, one frame each way, closing handshake.
inline case_result make_result(std::string id, std::string autobahn, std::string section, level lvl,
                               verdict behavior, close_verdict close, std::int64_t duration_us) {
  case_result r;
  r.id = std::move(id);
  r.rfc = "RFC 6455";
  r.section = std::move(section);
  r.requirement = "A server MUST do what the RFC says & not \"more\" <or less>.";
  r.lvl = lvl;
  r.autobahn = std::move(autobahn);
  r.description = "Send a text message; the target echoes it.";
  r.behavior = behavior;
  r.close = close;
  r.expected = "OK: [text 5 B]; wsspec closes, the target answers with 1000";
  r.actual = "messages [text 5 B], pongs 0, Close 1000 (answering wsspec)";
  r.remote_close_code = 1000;
  r.duration = micros(duration_us);
  auto& t = r.log;
  t.connected = true;
  t.handshake_complete = true;
  t.http_status = 101;
  t.duration = r.duration;
  t.tx_bytes = 180;
  t.rx_bytes = 140;
  t.entries.push_back(make_entry(10, entry_kind::connected, "connected to 127.0.0.1:9001"));
  t.entries.push_back(make_entry(
      20, entry_kind::handshake_request,
      "GET / HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
  t.entries.push_back(
      make_entry(900, entry_kind::handshake_response,
                 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"));
  t.entries.push_back(frame_entry(1000, true, 1, bytes_of("Hello")));
  t.entries.push_back(
      make_entry(1010, entry_kind::tx_bytes, "11 bytes",
                 {0x81, 0x85, 0x11, 0x22, 0x33, 0x44, 0x59, 0x47, 0x5f, 0x28, 0x7e}));
  t.entries.push_back(
      make_entry(2000, entry_kind::rx_bytes, "7 bytes", {0x81, 0x05, 'H', 'e', 'l', 'l', 'o'}));
  t.entries.push_back(frame_entry(2001, false, 1, bytes_of("Hello")));
  t.entries.push_back(make_entry(2002, entry_kind::rx_message, "text message, 5 bytes"));
  t.entries.push_back(frame_entry(2100, true, 8, {0x03, 0xe8}));
  t.entries.push_back(frame_entry(3000, false, 8, {0x03, 0xe8}));
  t.entries.push_back(make_entry(3001, entry_kind::rx_close, "Close 1000 "));
  t.entries.push_back(
      make_entry(3500, entry_kind::tcp_fin, "the target closed its side of the TCP connection"));
  observed_close oc;
  oc.code = 1000;
  oc.at = micros(3000);
  t.close = oc;
  t.close_sent_at = micros(2100);
  t.peer_eof_at = micros(3500);
  t.harness_closed_first = true;
  observed_message m;
  m.length = 5;
  m.digest = payload_digest(reinterpret_cast<const std::uint8_t*>("Hello"), 5);
  m.at = micros(2002);
  t.messages.push_back(m);
  return r;
}

inline run_info make_info(std::string agent, std::string target) {
  run_info i;
  i.tool_version = "0.1.0";
  i.target = std::move(target);
  i.agent = std::move(agent);
  i.seed = 7;
  i.jobs = 4;
  i.started = "2025-01-02T03:04:05Z";
  i.wall_ms = 1234;
  return i;
}

// Every verdict, in catalogue-like order, for one agent.
inline agent_report sample_agent(std::string agent, bool second) {
  agent_report a;
  a.info = make_info(std::move(agent), second ? "ws://127.0.0.1:9002/" : "ws://127.0.0.1:9001/");
  a.results.push_back(make_result("rfc6455/5.2/rsv1-text", "3.2", "5.2", level::must,
                                  second ? verdict::failed : verdict::ok,
                                  second ? close_verdict::unclean : close_verdict::ok, 12345));
  auto& failed = a.results.back();
  if (second) {
    failed.reasons = {{"did_not_fail", verdict::failed,
                       "the target echoed a frame with RSV1 set instead of failing the connection"},
                      {"close_not_answered", verdict::ok, "no Close frame from the target"}};
    failed.actual = "messages [text 5 B], no Close frame, TCP closed by wsspec";
    failed.remote_close_code.reset();
    failed.log.entries.back() =
        make_entry(3500, entry_kind::timeout, "no Close frame from the target within 1000 ms");
  }
  a.results.push_back(make_result("rfc6455/5.4/fragmented-text", "5.3", "5.4", level::must,
                                  verdict::ok, close_verdict::ok, 2500));
  a.results.push_back(make_result("rfc6455/5.5.2/ping-after-close", "", "5.5.2", level::should,
                                  verdict::non_strict, close_verdict::ok, 900));
  a.results.back().reasons = {
      {"forbidden_pong", verdict::non_strict, "the target answered a Ping sent after its Close"}};
  a.results.push_back(make_result("rfc6455/7.4.1/close-1000-reason", "7.1.1", "7.4.1", level::may,
                                  verdict::informational, close_verdict::informational, 1500));
  a.results.back().note = "RFC 6455 leaves the reason's content to the endpoint.";
  a.results.push_back(make_result("rfc7692/7.2/compressed-text", "12.1.1", "7.2", level::must,
                                  verdict::unimplemented, close_verdict::ok, 800));
  a.results.back().rfc = "RFC 7692";
  a.results.back().reasons = {
      {"extension_declined", verdict::unimplemented, "the target declined permessage-deflate"}};
  a.results.push_back(make_result("rfc6455/10.4/text-16mib", "9.1.6", "10.4", level::must,
                                  second ? verdict::error : verdict::ok, close_verdict::ok, 54321));
  if (second)
    a.results.back().reasons = {
        {"harness_fault", verdict::error, "wsspec could not write: broken pipe"}};
  return a;
}

inline report sample_report() {
  report r;
  r.agents.push_back(sample_agent("Acme WS 1.0", false));
  r.agents.push_back(sample_agent("libexample/2.3-rc1", true));
  return r;
}

// Ten agents (names of every length, one of them long), each with the sample's results; each
// result's wire log ends with a note naming its agent and case, so that a log can be told apart.
inline report many_agents_report(std::size_t agents = 10) {
  static const char* names[] = {"reference",
                                "Acme WebSocket Server 4.2.1 (epoll, permessage-deflate)",
                                "libexample/2.3-rc1", "ws", "python-websockets 13.1 (asyncio)"};
  report r;
  for (std::size_t a = 0; a < agents; ++a) {
    r.agents.push_back(sample_agent(std::string(names[a % 5]) + " #" + std::to_string(a), a % 2));
    for (auto& res : r.agents.back().results)
      res.log.entries.push_back(make_entry(4000, entry_kind::note,
                                           "log of agent " + std::to_string(a) + " for " + res.id));
  }
  return r;
}

// What a hostile target can send. Each string lands in a field a writer renders.
inline constexpr std::string_view script_tag = "<script>alert('xss')</script>";
inline constexpr std::string_view img_tag = "\"><img src=x onerror=alert(1)>";
// Bytes that are not UTF-8 (a lone 0xFF, a bad continuation, a surrogate), and control bytes.
inline const std::string invalid_utf8 = std::string("bad \xff\xfe \xc3\x28 \xed\xa0\x80 nul ") +
                                        std::string(1, '\0') + "\x01\x1b[31m \x7f end";

inline report hostile_report() {
  report r;
  agent_report a;
  a.info = make_info(std::string(img_tag) + " agent", "ws://127.0.0.1:9001/<script>");
  // Markup and invalid UTF-8 in the close reason and the handshake's header fields.
  case_result c = make_result("rfc6455/7.4.1/hostile-close", "7.3.1", "7.4.1", level::must,
                              verdict::failed, close_verdict::failed, 1000);
  c.remote_close_code = 1002;
  c.remote_close_reason = std::string(script_tag) + std::string(img_tag) + invalid_utf8;
  // A results file can be edited by hand: even a finding's code is escaped like target text.
  c.reasons = {{"unexpected_messages", verdict::failed,
                "]]><!-- --> &amp; ${x} `code` @everyone [link](http://evil.example) | pipe " +
                    std::string(script_tag)},
               {std::string(img_tag) + " | code", verdict::failed,
                "the target closed with reason " + c.remote_close_reason}};
  c.actual = "Close 1002 " + c.remote_close_reason;
  c.log.entries[2].text = "HTTP/1.1 101 Switching Protocols\r\nServer: " + std::string(script_tag) +
                          "\r\nX-Evil: " + std::string(img_tag) + "\r\nX-Bytes: " + invalid_utf8 +
                          "\r\n\r\n";
  c.log.entries.push_back(
      frame_entry(4000, false, 8, bytes_of("\x03\xea" + std::string(script_tag) + invalid_utf8)));
  c.log.entries.push_back(
      make_entry(4001, entry_kind::rx_close, "Close 1002 " + c.remote_close_reason));
  observed_close oc;
  oc.code = 1002;
  oc.reason = c.remote_close_reason;
  c.log.close = oc;
  a.results.push_back(std::move(c));

  // A 16 MiB message in 16 KiB frames, each with a 1 KiB preview, and reads of 64 KiB.
  case_result big = make_result("rfc6455/10.4/text-16mib-hostile", "9.1.6", "10.4", level::must,
                                verdict::ok, close_verdict::ok, 9000000);
  big.log.entries.resize(3);
  std::vector<std::uint8_t> chunk(1024, '<');
  for (std::size_t i = 0; i < chunk.size(); i += 16) chunk[i] = 0xff;
  for (int i = 0; i < 1024; ++i) {
    if (i % 4 == 0)
      big.log.entries.push_back(make_entry(10000 + i, entry_kind::rx_bytes, "65536 bytes",
                                           std::vector<std::uint8_t>(chunk.begin(), chunk.end()),
                                           65536));
    entry f = frame_entry(10000 + i, false, i ? 0 : 1, chunk, 16384);
    f.header.fin = i == 1023;
    big.log.entries.push_back(std::move(f));
  }
  big.log.entries.push_back(
      make_entry(9000000, entry_kind::rx_message, "text message, 16777216 bytes"));
  // One frame declaring the whole 16 MiB with a 2 KiB preview.
  big.log.entries.push_back(
      frame_entry(9000001, false, 2, std::vector<std::uint8_t>(2048, 0x3c), 16u << 20));
  big.log.rx_bytes = 16u << 20;
  a.results.push_back(std::move(big));
  r.agents.push_back(std::move(a));
  return r;
}

// Golden files live beside this header; WSSPEC_UPDATE_GOLDEN=1 rewrites them instead of comparing.
inline std::filesystem::path golden_path(const std::string& name) {
  return std::filesystem::path(__FILE__).parent_path() / "golden" / name;
}

inline bool update_golden() {
  const char* v = std::getenv("WSSPEC_UPDATE_GOLDEN");
  return v && std::string_view(v) == "1";
}

// Compares `actual` with the golden file (or rewrites it); returns a message on a difference.
inline std::string check_golden(const std::string& name, const std::string& actual) {
  const auto path = golden_path(name);
  if (update_golden()) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    return "";
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) return "missing golden file " + path.string() + " (run with WSSPEC_UPDATE_GOLDEN=1)";
  std::stringstream s;
  s << f.rdbuf();
  if (s.str() == actual) return "";
  const std::string expected = s.str();
  std::size_t at = 0;
  while (at < expected.size() && at < actual.size() && expected[at] == actual[at]) ++at;
  return name + " differs from the golden file at byte " + std::to_string(at) +
         " (regenerate with WSSPEC_UPDATE_GOLDEN=1 if the change is intended)";
}

// Whether `s` is well-formed UTF-8.
inline bool is_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80                 ? 1
                    : b >= 0xC2 && b <= 0xDF ? 2
                    : b >= 0xE0 && b <= 0xEF ? 3
                    : b >= 0xF0 && b <= 0xF4 ? 4
                                             : 0;
    if (!n || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    if ((b == 0xE0 && static_cast<unsigned char>(s[i + 1]) < 0xA0) ||
        (b == 0xED && static_cast<unsigned char>(s[i + 1]) > 0x9F) ||
        (b == 0xF0 && static_cast<unsigned char>(s[i + 1]) < 0x90) ||
        (b == 0xF4 && static_cast<unsigned char>(s[i + 1]) > 0x8F))
      return false;
    i += n;
  }
  return true;
}

// Runs a shell command; false when there is no shell.
inline bool have_command(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace wsspec::reports::testing
