#include "faults.hpp"

#include "deflate_params.hpp"
#include "head_fields.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <variant>

#include "wsspec/reference/handshake.hpp"
#include "wsspec/reference/http_head.hpp"

namespace wsspec::fault {
namespace {

using ref::opcode;

std::vector<std::uint8_t> bytes(std::string_view s) {
  return {s.begin(), s.end()};
}

// Every frame the reference sends goes through `change` first.
void rewrite_frames(behaviour& b, void (*change)(frame&, const context&)) {
  b.outgoing = [change](frame f, frames& out, const context& c) {
    change(f, c);
    out.push_back(std::move(f));
  };
}

// Every message the application receives goes through `change`, then is echoed.
void rewrite_echo(behaviour& b, void (*change)(ref::message_event&)) {
  b.application = [change](ref::connection& c, ref::event& e, const context&) {
    if (auto* m = std::get_if<ref::message_event>(&e)) change(*m);
    echo(c, e);
  };
}

// The reference's Close frames are dropped: those answering the client's Close (`answers`), or
// those failing the connection.
void drop_close(behaviour& b, bool answers) {
  b.outgoing = [answers](frame f, frames& out, const context& c) {
    if (!f.is(opcode::close) || c.peer_closed != answers) out.push_back(std::move(f));
  };
}

void set_close_code(frame& f, std::uint16_t code) {
  if (f.payload.size() < 2) f.payload.assign(2, 0);
  f.payload[0] = static_cast<std::uint8_t>(code >> 8);
  f.payload[1] = static_cast<std::uint8_t>(code & 0xFF);
}

bool is_continuation_or_data(const frame& f) {
  return f.is_data() || f.is(opcode::continuation);
}

bool switching_protocols(const std::string& head) {
  return head.starts_with("HTTP/1.1 101 ");
}

const fault_def table[] = {
    {"none", "the reference echo server as it is", [](behaviour&) {}},

    // ----- Ping and Pong (RFC 6455 §5.5.2, §5.5.3) ---------------------------------------------
    {"no-pong", "never answers a Ping", [](behaviour& b) { b.config.auto_pong = false; }},
    {"pong-other-payload", "answers a Ping with a Pong carrying other application data",
     [](behaviour& b) {
       rewrite_frames(b, [](frame& f, const context&) {
         if (f.is(opcode::pong)) f.payload = bytes("not the application data of the Ping");
       });
     }},
    {"pong-truncated", "answers a Ping with a Pong that lacks the last byte of its data",
     [](behaviour& b) {
       rewrite_frames(b, [](frame& f, const context&) {
         if (f.is(opcode::pong) && !f.payload.empty()) f.payload.pop_back();
       });
     }},
    {"pong-fragmented", "sends each Pong in two frames, the first without FIN",
     [](behaviour& b) {
       b.outgoing = [](frame f, frames& out, const context&) {
         if (!f.is(opcode::pong)) return out.push_back(std::move(f));
         frame rest = f;
         rest.header.opcode = static_cast<std::uint8_t>(opcode::continuation);
         const auto half = static_cast<std::ptrdiff_t>(f.payload.size() / 2);
         rest.payload.erase(rest.payload.begin(), rest.payload.begin() + half);
         f.payload.resize(static_cast<std::size_t>(half));
         f.header.fin = false;
         out.push_back(std::move(f));
         out.push_back(std::move(rest));
       };
     }},
    {"pong-too-long", "pads every Pong with one byte: a 125-byte Ping gets a 126-byte Pong",
     [](behaviour& b) {
       rewrite_frames(b, [](frame& f, const context&) {
         if (f.is(opcode::pong)) f.payload.push_back(0);
       });
     }},

    // ----- the closing handshake (RFC 6455 §5.5.1, §7) ------------------------------------------
    {"close-unanswered", "never answers the client's Close, and keeps TCP open",
     [](behaviour& b) {
       drop_close(b, true);
       b.end = ending::wait_for_peer;
     }},
    {"close-code-1005", "sends Close frames with status 1005, which is never sent on the wire",
     [](behaviour& b) {
       rewrite_frames(b, [](frame& f, const context&) {
         if (f.is(opcode::close)) set_close_code(f, 1005);
       });
     }},
    {"close-code-999", "sends Close frames with status 999, below the range of status codes",
     [](behaviour& b) {
       rewrite_frames(b, [](frame& f, const context&) {
         if (f.is(opcode::close)) set_close_code(f, 999);
       });
     }},
    {"close-code-5000", "sends Close frames with status 5000, above the range of status codes",
     [](behaviour& b) {
       rewrite_frames(b, [](frame& f, const context&) {
         if (f.is(opcode::close)) set_close_code(f, 5000);
       });
     }},
    {"close-one-byte-body", "sends Close frames whose body is a single byte",
     [](behaviour& b) {
       rewrite_frames(b, [](frame& f, const context&) {
         if (f.is(opcode::close)) f.payload = {0x03};
       });
     }},
    {"close-reason-invalid-utf8", "sends Close frames whose reason is not UTF-8",
     [](behaviour& b) {
       rewrite_frames(b, [](frame& f, const context&) {
         if (!f.is(opcode::close)) return;
         set_close_code(f, 1000);
         f.payload.resize(2);
         f.payload.insert(f.payload.end(), {'b', 'y', 'e', 0xFF});
       });
     }},
    {"data-after-close", "sends a text message after each of its Close frames",
     [](behaviour& b) {
       b.outgoing = [](frame f, frames& out, const context&) {
         const bool close = f.is(opcode::close);
         out.push_back(std::move(f));
         if (close) out.push_back(frame{{.opcode = 1}, bytes("sent after the Close"), {}});
       };
     }},
    {"no-close-frame", "answers the client's Close by closing TCP, without a Close frame",
     [](behaviour& b) { drop_close(b, true); }},
    {"tcp-left-open", "leaves TCP open after the closing handshake, until the client closes it",
     [](behaviour& b) { b.end = ending::wait_for_peer; }},
    {"reset-on-close", "aborts every connection with a reset (RST) instead of closing TCP",
     [](behaviour& b) { b.end = ending::reset; }},

    // ----- failing the connection (RFC 6455 §7.1.7: a Close with a code naming the error) ------
    {"fail-with-1000", "fails the connection with status 1000 instead of one naming the error",
     [](behaviour& b) {
       rewrite_frames(b, [](frame& f, const context& c) {
         if (f.is(opcode::close) && !c.peer_closed) set_close_code(f, 1000);
       });
     }},
    {"fail-without-close", "fails the connection by closing TCP, without a Close frame",
     [](behaviour& b) { drop_close(b, false); }},

    // ----- framing of what it sends (RFC 6455 §5.1, §5.2) --------------------------------------
    {"masked-frames", "masks the frames it sends",
     [](behaviour& b) {
       rewrite_frames(b, [](frame& f, const context&) {
         f.header.masked = true;
         f.header.key = {0x37, 0xfa, 0x21, 0x3d};
       });
     }},
    {"rsv1-on-data", "sets RSV1 on the data frames it sends, with no extension agreed",
     [](behaviour& b) {
       rewrite_frames(b, [](frame& f, const context&) {
         if (is_continuation_or_data(f)) f.header.rsv1 = true;
       });
     }},
    {"non-minimal-length", "encodes the length of the data frames it sends in 64 bits",
     [](behaviour& b) {
       rewrite_frames(b, [](frame& f, const context&) {
         if (is_continuation_or_data(f)) f.length_bytes = 8;
       });
     }},
    {"reserved-opcode", "sends data messages with the reserved opcode 0x3",
     [](behaviour& b) {
       rewrite_frames(b, [](frame& f, const context&) {
         if (f.is_data()) f.header.opcode = 0x3;
       });
     }},

    // ----- the messages it echoes (RFC 6455 §5.4, §5.6, §8.1) ----------------------------------
    {"corrupt-utf8", "echoes text with one byte replaced by 0xFF, which is never UTF-8",
     [](behaviour& b) {
       rewrite_echo(b, [](ref::message_event& m) {
         if (m.op == opcode::text && !m.data.empty()) m.data[m.data.size() / 2] = 0xFF;
       });
     }},
    {"text-as-binary", "echoes text messages as binary messages",
     [](behaviour& b) { rewrite_echo(b, [](ref::message_event& m) { m.op = opcode::binary; }); }},
    {"last-byte-dropped", "echoes every message without its last byte",
     [](behaviour& b) {
       rewrite_echo(b, [](ref::message_event& m) {
         if (!m.data.empty()) m.data.pop_back();
       });
     }},
    {"message-twice", "echoes every message twice",
     [](behaviour& b) {
       b.application = [](ref::connection& c, ref::event& e, const context&) {
         echo(c, e);
         echo(c, e);
       };
     }},
    {"messages-merged", "echoes each message together with the next one, as one message",
     [](behaviour& b) {
       b.application = [held = std::optional<ref::message_event>()](
                           ref::connection& c, ref::event& e, const context&) mutable {
         auto* m = std::get_if<ref::message_event>(&e);
         if (!m) return;
         if (!held) return void(held = std::move(*m));
         held->data.insert(held->data.end(), m->data.begin(), m->data.end());
         c.send_message(held->op, held->data);
         held.reset();
       };
     }},
    {"pong-after-message", "holds its Pongs until the data message in progress has ended",
     [](behaviour& b) {
       b.config.auto_pong = false;
       b.application = [held = std::vector<std::vector<std::uint8_t>>()](
                           ref::connection& c, ref::event& e, const context&) mutable {
         if (auto* p = std::get_if<ref::ping_event>(&e)) {
           held.push_back(p->data);
           return;
         }
         if (std::holds_alternative<ref::message_event>(e)) {
           for (const auto& data : held) c.send_pong(data);
           held.clear();
         }
         echo(c, e);
       };
     }},
    {"message-after-control-lost", "loses the data message that follows a Ping or a Pong",
     [](behaviour& b) {
       b.application = [lose = false](ref::connection& c, ref::event& e, const context&) mutable {
         if (std::holds_alternative<ref::ping_event>(e) ||
             std::holds_alternative<ref::pong_event>(e))
           lose = true;
         if (std::holds_alternative<ref::message_event>(e) && std::exchange(lose, false)) return;
         echo(c, e);
       };
     }},
    {"fragments-reordered", "reassembles a fragmented message with its first two fragments swapped",
     [](behaviour& b) {
       b.incoming = [held = std::optional<frame>()](frame f, frames& out) mutable {
         if (f.is_data() && !f.header.fin && !held) return void(held = std::move(f));
         if (held && f.is(opcode::continuation)) {
           std::swap(held->payload, f.payload);
           held->length_bytes = f.length_bytes = std::nullopt;
           out.push_back(*std::move(held));
           held.reset();
         }
         out.push_back(std::move(f));
       };
     }},
    {"fragment-dropped", "loses the data of the second fragment of a fragmented message",
     [](behaviour& b) {
       b.incoming = [second = false](frame f, frames& out) mutable {
         if (f.is_data()) {
           second = !f.header.fin;
         } else if (f.is(opcode::continuation) && std::exchange(second, false)) {
           f.payload.clear();
           f.length_bytes.reset();
         }
         out.push_back(std::move(f));
       };
     }},

    // ----- permessage-deflate (RFC 7692 §6, §7.2) -----------------------------------------------
    {"deflate-window-ignored",
     "answers server_max_window_bits as offered, and compresses with a 32 KiB window all the same",
     [](behaviour& b) { server_claims_unapplied(b, "server_max_window_bits"); }},
    {"deflate-context-kept",
     "answers server_no_context_takeover as offered, and keeps its window between messages",
     [](behaviour& b) { server_claims_unapplied(b, "server_no_context_takeover"); }},
    {"deflate-stream-corrupted", "flips the last bit of every compressed frame it sends",
     [](behaviour& b) {
       rewrite_frames(b, [](frame& f, const context&) {
         if (f.header.rsv1 && !f.payload.empty()) f.payload.back() ^= 0x01;
       });
     }},

    // ----- the opening handshake (RFC 6455 §4.2.2, §4.4) ---------------------------------------
    {"bad-accept", "answers with a Sec-WebSocket-Accept computed for another key",
     [](behaviour& b) {
       b.head_out = [](std::string& head) {
         if (!switching_protocols(head)) return;
         remove_field(head, "Sec-WebSocket-Accept");
         add_field(head,
                   "Sec-WebSocket-Accept: " + ref::accept_for_key("dGhlIHNhbXBsZSBub25jZQ=="));
       };
     }},
    {"no-upgrade-header", "answers 101 without the Upgrade header",
     [](behaviour& b) {
       b.head_out = [](std::string& head) {
         if (switching_protocols(head)) remove_field(head, "Upgrade");
       };
     }},
    {"unoffered-subprotocol", "selects a subprotocol the client did not offer",
     [](behaviour& b) {
       b.head_out = [](std::string& head) {
         if (!switching_protocols(head)) return;
         remove_field(head, "Sec-WebSocket-Protocol");
         add_field(head, "Sec-WebSocket-Protocol: wsspec-never-offered");
       };
     }},
    {"unoffered-extension", "accepts an extension the client did not offer",
     [](behaviour& b) {
       b.head_out = [](std::string& head) {
         if (switching_protocols(head))
           add_field(head, "Sec-WebSocket-Extensions: x-never-offered");
       };
     }},
    {"status-200", "answers the opening handshake with 200 OK instead of 101",
     [](behaviour& b) {
       b.head_out = [](std::string& head) {
         if (switching_protocols(head)) head.replace(0, head.find("\r\n"), "HTTP/1.1 200 OK");
       };
     }},
    {"refusal-without-version", "refuses a version it does not speak without naming its own",
     [](behaviour& b) {
       b.head_out = [](std::string& head) {
         if (!switching_protocols(head)) remove_field(head, "Sec-WebSocket-Version");
       };
     }},
};

}  // namespace

std::span<const fault_def> faults() {
  return table;
}

const fault_def* find_fault(std::string_view name) {
  for (const auto& f : table)
    if (f.name == name) return &f;
  return nullptr;
}

std::optional<ref::error> rule_named(std::string_view name) {
  for (std::size_t i = 0; i < ref::error_count; ++i) {
    const auto e = static_cast<ref::error>(i);
    if (ref::name(e) == name) return e;
  }
  return std::nullopt;
}

bool add_rules(std::string_view list, ref::error_set& rules, std::string& unknown) {
  for (std::string_view rest = list; !rest.empty();) {
    const auto comma = rest.find(',');
    const auto name = rest.substr(0, comma);
    const auto rule = rule_named(name);
    if (!rule) {
      unknown = name;
      return false;
    }
    rules.add(*rule);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  return true;
}

void list(std::span<const fault_def> faults, std::ostream& out) {
  for (const auto& f : faults) out << f.name << "\t" << f.what << "\n";
  for (std::size_t i = 0; i < ref::error_count; ++i) {
    const auto e = static_cast<ref::error>(i);
    out << "rule:" << ref::name(e) << "\t" << ref::describe(e) << "\n";
  }
}

}  // namespace wsspec::fault
