// export_seeds: seeds for the fuzz targets from the built-in case catalogue, so that campaigns
// start from every case the harness knows and stay in step with it (fuzz/run.sh calls it).
//
//   export_seeds OUT_DIR [--max-size BYTES] [--seed N]
//
// For each case and each role it applies to, the bytes the harness sends (as run_session does with
// the same seed: the opening handshake, then the encoded frames of each step, compressed when the
// case offers permessage-deflate and the reference peer agrees; not the answers it gives to the
// target's pings and Close frames, which depend on the target) are written:
//   OUT/wire/server/<case>.bin            to a target server: the request, then masked frames
//   OUT/wire/client/<case>.bin            to a target client: the 101 response, then frames
//   OUT/connection_{server,client}_fuzz/  the same, behind raw-mode connection parameters
//   OUT/frame_decoder_split_fuzz/         the frames alone, behind the receiving role's decoder
//                                         parameters and a plan that passes them whole
//   OUT/frame_decoder_fuzz/, OUT/frame_decoder_structured_fuzz/   the same without the plan, cut
//                                         to those targets' 1024-byte inputs
//   OUT/http_head_fuzz/, OUT/handshake_{request,response}_fuzz/   the handshake heads alone
// The response to a target client answers the request of the connection connection_client_fuzz
// drives (its key comes from fuzz::client_nonce). Steps stop being added once a case's bytes
// reach --max-size (default 65536), and at a shutdown step (which becomes an EOF).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "connection_fuzz.hpp"
#include "frame_decoder_oracle.hpp"
#include "fuzz_support.hpp"
#include "wsspec/harness/case.hpp"
#include "wsspec/harness/catalogue.hpp"
#include "wsspec/harness/opening_handshake.hpp"
#include "wsspec/harness/wire_frame.hpp"
#include "wsspec/reference/connection.hpp"
#include "wsspec/reference/handshake.hpp"
#include "wsspec/reference/permessage_deflate.hpp"

namespace {

namespace fs = std::filesystem;
using namespace wsspec;
using harness::case_def;
using harness::wire_frame;

constexpr std::string_view host_header = "127.0.0.1";  // session_config defaults
constexpr std::string_view resource = "/";

using bytes = std::vector<std::uint8_t>;

// What the harness sends in one case, for one target role.
struct transmission {
  std::string head;  // the request (target server) or the response (target client)
  bytes frames;      // everything after the head
  bool deflate = false;
  bool eof = false;  // the case half-closes the connection
};

// The harness's side of a case, step by step, as run_session writes it.
class sender {
 public:
  sender(const case_def& c, ref::role target, std::uint64_t seed, std::size_t max_size)
      : c_(c),
        self_(ref::peer_of(target)),
        rng_(seed ^ std::hash<std::string>{}(c.id)),
        max_size_(max_size) {}

  // Testing a server: the request built from the case's handshake.
  transmission to_server() {
    transmission t;
    const harness::handshake_spec& hs = c_.handshake;
    std::array<std::uint8_t, 16> nonce{};
    for (auto& b : nonce) b = static_cast<std::uint8_t>(rng_());
    const auto request = harness::plan_request(hs, host_header, resource, nonce);
    // The reference server's answer, with its default policy.
    if (!request.deflate.empty()) {
      if (auto agreed = ref::negotiate_deflate(request.offered, ref::deflate_server_policy{}))
        agree(agreed->params);
    }
    t.head = request.text;
    for (const auto& f : hs.frames_with_request) append_frame(f, t.frames);
    run_steps(t);
    return t;
  }

  // Testing a client: the response to the request of the client `request` describes.
  transmission to_client(const ref::handshake_request& request) {
    transmission t;
    ref::handshake_response resp;
    resp.accept = ref::accept_for_key(request.key);
    ref::deflate_server_policy policy;
    policy.enabled = !c_.handshake.deflate_offers.empty();
    if (c_.handshake.deflate_answer) policy = *c_.handshake.deflate_answer;
    {
      if (auto agreed = ref::negotiate_deflate(request.extensions, policy)) {
        resp.extensions.push_back(agreed->response);
        agree(agreed->params);
      }
    }
    t.head = ref::build_response(resp);
    run_steps(t);
    return t;
  }

 private:
  void agree(const ref::deflate_params& p) {
    const bool client = self_ == ref::role::client;
    deflater_ = std::make_unique<ref::deflater>(
        client ? p.client_max_window_bits : p.server_max_window_bits,
        client ? p.client_no_context_takeover : p.server_no_context_takeover);
  }

  ref::mask_key next_key() {
    ref::mask_key k;
    const std::uint64_t v = rng_();
    for (int i = 0; i < 4; ++i) k[i] = static_cast<std::uint8_t>(v >> (8 * i));
    return k;
  }

  void append_frame(const wire_frame& f, bytes& out, const bytes* payload = nullptr) {
    bytes compressed;
    wire_frame copy = f;
    if (f.compress && deflater_ && !payload) {
      deflater_->compress(f.payload.materialize(), compressed);
      payload = &compressed;
      copy.rsv1 = true;
    }
    harness::encode_wire_frame(copy, self_, next_key(), out, payload);
  }

  bytes encode_message(std::uint8_t opcode, const harness::payload_spec& spec, std::size_t fragment,
                       bool compress) {
    bytes payload = spec.materialize();
    bool rsv1 = false;
    if (compress && deflater_) {
      bytes z;
      deflater_->compress(payload, z);
      payload.swap(z);
      rsv1 = true;
    }
    bytes out;
    const std::size_t piece = fragment == 0 ? std::max<std::size_t>(payload.size(), 1) : fragment;
    std::size_t at = 0;
    bool first = true;
    do {
      const std::size_t n = std::min(piece, payload.size() - at);
      wire_frame f;
      f.opcode = first ? opcode : 0;
      f.rsv1 = first && rsv1;
      f.fin = at + n == payload.size();
      const bytes part(payload.begin() + static_cast<std::ptrdiff_t>(at),
                       payload.begin() + static_cast<std::ptrdiff_t>(at + n));
      f.payload.length = part.size();
      append_frame(f, out, &part);
      at += n;
      first = false;
    } while (at < payload.size());
    return out;
  }

  // A step's bytes; nullopt for a step that sends nothing.
  std::optional<bytes> step_bytes(const harness::step& s, transmission& t) {
    if (auto* f = std::get_if<harness::send_frames>(&s)) {
      bytes out;
      for (const auto& fr : f->frames) append_frame(fr, out);
      return out;
    }
    if (auto* r = std::get_if<harness::send_raw>(&s)) return r->bytes.materialize();
    if (auto* m = std::get_if<harness::send_message>(&s))
      return encode_message(m->opcode, m->payload, m->fragment, m->compress);
    if (auto* c = std::get_if<harness::close_step>(&s)) {
      bytes out;
      if (!close_sent_) {
        wire_frame f;
        f.opcode = static_cast<std::uint8_t>(ref::opcode::close);
        f.payload =
            c->raw_payload
                ? *c->raw_payload
                : harness::payload_spec::bytes(ref::encode_close_payload(c->code, c->reason));
        append_frame(f, out);
        close_sent_ = true;
      }
      for (const auto& fr : c->then) append_frame(fr, out);
      return out;
    }
    if (auto* rt = std::get_if<harness::round_trips_step>(&s)) {
      const bytes one = encode_message(rt->opcode, rt->payload, 0, false);
      bytes out;
      for (std::size_t i = 0; i < rt->count && out.size() + one.size() <= max_size_; ++i)
        out.insert(out.end(), one.begin(), one.end());
      return out;
    }
    if (std::get_if<harness::shutdown_step>(&s)) t.eof = true;
    return std::nullopt;
  }

  // The payload bytes a step holds before encoding (round trips: one message).
  static std::uint64_t payload_size(const harness::step& s) {
    const auto sum = [](const std::vector<wire_frame>& frames) {
      std::uint64_t n = 0;
      for (const auto& f : frames) n += f.payload.length;
      return n;
    };
    if (auto* f = std::get_if<harness::send_frames>(&s)) return sum(f->frames);
    if (auto* r = std::get_if<harness::send_raw>(&s)) return r->bytes.length;
    if (auto* m = std::get_if<harness::send_message>(&s)) return m->payload.length;
    if (auto* c = std::get_if<harness::close_step>(&s))
      return sum(c->then) + (c->raw_payload ? c->raw_payload->length : 0);
    if (auto* rt = std::get_if<harness::round_trips_step>(&s)) return rt->payload.length;
    return 0;
  }

  void run_steps(transmission& t) {
    t.deflate = deflater_ != nullptr;
    for (const harness::step& s : c_.steps) {
      if (t.eof) break;
      // A step over the size cap is not materialised at all.
      if (payload_size(s) > max_size_) break;
      const auto b = step_bytes(s, t);
      if (!b) continue;
      if (t.head.size() + t.frames.size() + b->size() > max_size_) break;
      t.frames.insert(t.frames.end(), b->begin(), b->end());
    }
  }

  const case_def& c_;
  ref::role self_;
  std::mt19937_64 rng_;
  std::size_t max_size_;
  std::unique_ptr<ref::deflater> deflater_;
  bool close_sent_ = false;
};

std::string file_name(std::string_view id) {
  std::string out;
  for (const char ch : id) {
    const bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                       (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_';
    out.push_back(plain ? ch : '_');
  }
  return out;
}

void write(const fs::path& dir, const std::string& name, const bytes& prefix, std::string_view head,
           const bytes& rest) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(prefix.data()),
            static_cast<std::streamsize>(prefix.size()));
  out.write(head.data(), static_cast<std::streamsize>(head.size()));
  out.write(reinterpret_cast<const char*>(rest.data()), static_cast<std::streamsize>(rest.size()));
  if (!out) {
    std::fprintf(stderr, "export_seeds: cannot write %s\n", (dir / name).c_str());
    std::exit(2);
  }
}

bytes cat(bytes a, const bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The decoder seeds of one case and role: whole for the split target; for the single-pass
// targets without the plan and cut to their input limit (the frames that fit, and the start of
// the one that does not). Returns the number of files written.
std::size_t write_decoder_seeds(const fs::path& out, const std::string& name, ref::role receiver,
                                bool deflate, const bytes& frames) {
  fuzz::decoder_params d;
  d.config.receiver = receiver;
  d.config.allowed_rsv = deflate ? 0x4 : 0;
  const bytes params = d.encode();
  write(out / "frame_decoder_split_fuzz", name, cat(params, fuzz::split_plan::whole()), {}, frames);
  const std::size_t room = fuzz::frame_decoder_oracle::max_input - params.size();
  const bytes cut(frames.begin(),
                  frames.begin() + static_cast<std::ptrdiff_t>(std::min(room, frames.size())));
  write(out / "frame_decoder_fuzz", name, params, {}, cut);
  write(out / "frame_decoder_structured_fuzz", name, params, {}, cut);
  return 3;
}

// The request connection_client_fuzz's connection sends with these parameters.
ref::handshake_request client_request(const fuzz::connection_params& p) {
  ref::connection conn(fuzz::connection_config_for(ref::role::client, p));
  ref::http_head_parser parser(ref::http_head_parser::kind::request);
  parser.feed(conn.output());
  auto req = ref::validate_request(parser.head());
  if (!req) {
    std::fprintf(stderr, "export_seeds: the fuzzed client's request does not validate\n");
    std::exit(2);
  }
  return *req;
}

int usage() {
  std::fprintf(stderr, "usage: export_seeds OUT_DIR [--max-size BYTES] [--seed N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const fs::path out = argv[1];
  std::size_t max_size = 65536;
  std::uint64_t seed = 1;
  for (int i = 2; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (i + 1 >= argc) return usage();
    if (a == "--max-size") {
      max_size = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--seed") {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else {
      return usage();
    }
  }

  const bytes whole = fuzz::split_plan::whole();
  std::size_t written = 0;
  for (const case_def& c : harness::builtin_catalogue().cases()) {
    const std::string name = file_name(c.id);
    if (harness::applies_to(c.roles, ref::role::server)) {
      const transmission t = sender(c, ref::role::server, seed, max_size).to_server();
      write(out / "wire" / "server", name + ".bin", {}, t.head, t.frames);

      fuzz::connection_params p;
      p.raw = true;
      p.deflate = t.deflate;
      p.echo = true;
      p.eof = t.eof;
      write(out / "connection_server_fuzz", name, cat(p.encode(), whole), t.head, t.frames);

      written += write_decoder_seeds(out, name + "-server", ref::role::server, t.deflate, t.frames);

      write(out / "http_head_fuzz", name + "-request", cat({0, 0, 0, 0}, whole), t.head, {});
      write(out / "handshake_request_fuzz", name, {1, 8, 8}, t.head, {});
      written += 4;
    }
    if (harness::applies_to(c.roles, ref::role::client)) {
      fuzz::connection_params p;
      p.raw = true;
      p.deflate = !c.handshake.deflate_offers.empty();
      p.echo = true;
      const transmission t =
          sender(c, ref::role::client, seed, max_size).to_client(client_request(p));
      p.eof = t.eof;
      write(out / "wire" / "client", name + ".bin", {}, t.head, t.frames);
      write(out / "connection_client_fuzz", name, cat(p.encode(), whole), t.head, t.frames);

      written += write_decoder_seeds(out, name + "-client", ref::role::client, t.deflate, t.frames);

      write(out / "http_head_fuzz", name + "-response", cat({1, 0, 0, 0}, whole), t.head, {});
      const std::uint8_t offer_flags = static_cast<std::uint8_t>((p.deflate ? 1 : 0) | 2);
      write(out / "handshake_response_fuzz", name, {offer_flags, 0, 0}, t.head, {});
      written += 4;
    }
  }
  std::printf("export_seeds: %zu files from %zu cases in %s\n", written,
              harness::builtin_catalogue().cases().size(), out.c_str());
  return 0;
}
