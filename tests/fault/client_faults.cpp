// The faults of the testee client: each a small change to the reference client, named after what
// the client then does wrong.
#include <cstdint>
#include <string>
#include <variant>

#include "deflate_params.hpp"
#include "faults.hpp"
#include "head_fields.hpp"
#include "wsspec/reference/handshake.hpp"

namespace wsspec::fault {
namespace {

using ref::opcode;

constexpr std::string_view valid_status_line = "HTTP/1.1 101 Switching Protocols";

std::string_view first_line(const std::string& head) {
  const auto end = head.find_first_of("\r\n");
  return std::string_view(head).substr(0, end);
}

void replace_first_line(std::string& head, std::string_view line) {
  head.replace(0, first_line(head).size(), line);
}

// The field lines named `name` give way to one line "name: value".
void set_field(std::string& head, std::string_view name, const std::string& value) {
  remove_field(head, name);
  add_field(head, std::string(name) + ": " + value);
}

// Every frame the client sends goes through `change` first.
void rewrite_frames(behaviour& b, void (*change)(frame&)) {
  b.outgoing = [change](frame f, frames& out, const context&) {
    change(f);
    out.push_back(std::move(f));
  };
}

// The client's mask keys come from `source` (RFC 6455 §5.3 wants them unpredictable).
void mask_keys(behaviour& b, std::function<ref::mask_key()> source) {
  b.config.mask_source = std::move(source);
}

void fixed_mask_key(behaviour& b, ref::mask_key key) {
  mask_keys(b, [key] { return key; });
}

const fault_def table[] = {
    {"none", "the reference testee client as it is", [](behaviour&) {}},

    // ----- reading the server's opening handshake (RFC 6455 §4.1, §4.2.2) ----------------------
    // Each response fault makes one check of §4.1 pass whatever the server sent: the client
    // behaves as one that does not perform that check.
    {"accepts-any-status", "does not look at the status code: any well-formed response is a 101",
     [](behaviour& b) {
       b.head_in = [](std::string& head, std::string_view) {
         const std::string_view line = first_line(head);
         // RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ], the
         // version being "HTTP/" DIGIT "." DIGIT.
         if (line.starts_with("HTTP/") && line.size() >= 12) head.replace(9, 3, "101");
       };
     }},
    {"lenient-status-line",
     "reads a malformed status line that holds 101 as a 101 (a number parser, any case of HTTP)",
     [](behaviour& b) {
       b.head_in = [](std::string& head, std::string_view) {
         if (first_line(head).find("101") != std::string_view::npos)
           replace_first_line(head, valid_status_line);
       };
     }},
    {"accepts-any-upgrade", "does not look at the Upgrade field",
     [](behaviour& b) {
       b.head_in = [](std::string& head, std::string_view) {
         set_field(head, "Upgrade", "websocket");
       };
     }},
    {"accepts-any-connection", "does not look at the Connection field",
     [](behaviour& b) {
       b.head_in = [](std::string& head, std::string_view) {
         set_field(head, "Connection", "Upgrade");
       };
     }},
    {"accepts-wrong-accept", "does not compare the Sec-WebSocket-Accept value with its key",
     [](behaviour& b) {
       b.head_in = [](std::string& head, std::string_view key) {
         const std::size_t lines = count_field(head, "Sec-WebSocket-Accept");
         remove_field(head, "Sec-WebSocket-Accept");
         for (std::size_t i = 0; i < lines; ++i)
           add_field(head, "Sec-WebSocket-Accept: " + ref::accept_for_key(key));
       };
     }},
    {"accepts-missing-accept", "goes on when the response has no Sec-WebSocket-Accept field",
     [](behaviour& b) {
       b.head_in = [](std::string& head, std::string_view key) {
         if (count_field(head, "Sec-WebSocket-Accept") == 0)
           add_field(head, "Sec-WebSocket-Accept: " + ref::accept_for_key(key));
       };
     }},
    {"accepts-accept-twice", "reads only the first of several Sec-WebSocket-Accept fields",
     [](behaviour& b) {
       b.head_in = [](std::string& head, std::string_view) {
         bool seen = false;
         filter_fields(head, [&](std::string_view line) {
           if (!ref::iequals(field_name(line), "Sec-WebSocket-Accept")) return true;
           return !std::exchange(seen, true);
         });
       };
     }},
    {"accepts-unoffered-subprotocol",
     "ignores the Sec-WebSocket-Protocol field: a subprotocol it did not offer goes unnoticed",
     [](behaviour& b) {
       b.head_in = [](std::string& head, std::string_view) {
         remove_field(head, "Sec-WebSocket-Protocol");
       };
     }},
    {"accepts-unoffered-extension",
     "ignores the Sec-WebSocket-Extensions field: an extension it did not offer goes unnoticed",
     [](behaviour& b) {
       b.head_in = [](std::string& head, std::string_view) {
         remove_field(head, "Sec-WebSocket-Extensions");
       };
     }},

    // ----- what it sends (RFC 6455 §4.1, §5.1, §5.2, §5.3) -------------------------------------
    {"reused-request-key", "sends the same Sec-WebSocket-Key on every connection",
     [](behaviour& b) {
       b.config.fixed_nonce = true;
       b.config.request.nonce = {'t', 'h', 'e', ' ', 's', 'a', 'm', 'p',
                                 'l', 'e', ' ', 'n', 'o', 'n', 'c', 'e'};
     }},
    {"data-before-response", "sends a text frame right after its request, before the response",
     [](behaviour& b) {
       b.head_out = [](std::string& head) {
         std::vector<std::uint8_t> early;
         write_frame(frame{{.fin = true, .opcode = 1, .masked = true, .key = {1, 2, 3, 4}},
                           {'e', 'a', 'r', 'l', 'y'},
                           {}},
                     early);
         head.append(early.begin(), early.end());
       };
     }},
    {"unmasked-frames", "sends its frames unmasked",
     [](behaviour& b) { rewrite_frames(b, [](frame& f) { f.header.masked = false; }); }},
    {"constant-mask-key", "masks every frame with the same key",
     [](behaviour& b) {
       fixed_mask_key(b, {0x37, 0xfa, 0x21, 0x3d});
     }},
    {"zero-mask-key", "masks every frame with the key 00 00 00 00",
     [](behaviour& b) {
       fixed_mask_key(b, {0, 0, 0, 0});
     }},
    {"counter-mask-key", "takes each mask key from a counter",
     [](behaviour& b) {
       mask_keys(b, [n = std::uint32_t{0x1000}]() mutable {
         ++n;
         return ref::mask_key{static_cast<std::uint8_t>(n >> 24),
                              static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 8),
                              static_cast<std::uint8_t>(n)};
       });
     }},
    {"rsv1-on-data", "sets RSV1 on its data frames, with no extension agreed",
     [](behaviour& b) {
       rewrite_frames(b, [](frame& f) {
         if (f.is_data() || f.is(opcode::continuation)) f.header.rsv1 = true;
       });
     }},
    // permessage-deflate (RFC 7692 §7.2.1): the agreed parameters bind the client's compressor.
    {"deflate-window-ignored",
     "ignores client_max_window_bits in the response and compresses with a 32 KiB window",
     [](behaviour& b) { client_ignores(b, "client_max_window_bits"); }},
    {"deflate-context-kept",
     "ignores client_no_context_takeover in the response and keeps its window between messages",
     [](behaviour& b) { client_ignores(b, "client_no_context_takeover"); }},
    {"deflate-stream-corrupted", "flips the last bit of every compressed frame it sends",
     [](behaviour& b) { find_fault("deflate-stream-corrupted")->plant(b); }},
    // Faults of the echo server that break a rule of both roles, planted in the client as they are.
    {"no-pong", "never answers a Ping", [](behaviour& b) { find_fault("no-pong")->plant(b); }},
    {"last-byte-dropped", "echoes every message without its last byte",
     [](behaviour& b) { find_fault("last-byte-dropped")->plant(b); }},
    {"close-code-1005", "sends Close frames with status 1005, which is never sent on the wire",
     [](behaviour& b) { find_fault("close-code-1005")->plant(b); }},

    // ----- the closing handshake and closing TCP (RFC 6455 §5.5.1, §7.1.1, §7.3) --------------
    {"close-unanswered", "never answers the server's Close frame",
     [](behaviour& b) {
       b.outgoing = [](frame f, frames& out, const context& c) {
         if (!f.is(opcode::close) || !c.peer_closed) out.push_back(std::move(f));
       };
     }},
    {"closes-tcp-first", "closes TCP as soon as the closing handshake is over",
     [](behaviour& b) { b.end = ending::at_once; }},
    {"closes-idle-connection", "closes a connection that has been idle for one second",
     [](behaviour& b) { b.close_when_idle = std::chrono::seconds(1); }},
};

}  // namespace

std::span<const fault_def> client_faults() {
  return table;
}

const fault_def* find_client_fault(std::string_view name) {
  for (const auto& f : table)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace wsspec::fault
