// permessage-deflate builders for the RFC 7692 families: offers written as the RFC spells them,
// the answer policies wsspec uses when it tests a client, and the corpus streams of the
// compressed round trips (Autobahn 12.x and 13.x).
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

#include "common/builders.hpp"
#include "wsspec/reference/extensions.hpp"
#include "wsspec/reference/permessage_deflate.hpp"

namespace wsspec::cases {

// The offer of one Sec-WebSocket-Extensions element, which must be a valid permessage-deflate
// offer ("permessage-deflate; client_max_window_bits").
inline ref::deflate_offer deflate_offer_of(std::string_view element) {
  auto parsed = ref::parse_extensions(element);
  if (!parsed || parsed->size() != 1) return {};
  auto offer = ref::parse_deflate_offer(parsed->front());
  return offer ? *offer : ref::deflate_offer{};
}

// The extensions of a Sec-WebSocket-Extensions value, as offered verbatim (malformed
// permessage-deflate parameters included).
inline std::vector<ref::extension> extensions_of(std::string_view value) {
  auto parsed = ref::parse_extensions(value);
  return parsed ? *parsed : std::vector<ref::extension>{};
}

// Testing a client: accept its offer as the reference server does, asking it for no context
// takeover and a window of `client_window_bits` (RFC 7692 §7.1.1.2, §7.1.2.2).
inline ref::deflate_server_policy asking_client(bool no_context_takeover = false,
                                                int client_window_bits = 15) {
  ref::deflate_server_policy p;
  p.client_no_context_takeover = no_context_takeover;
  p.client_max_window_bits = client_window_bits;
  return p;
}
inline ref::deflate_server_policy decline_policy() {
  ref::deflate_server_policy p;
  p.enabled = false;
  return p;
}

// How many messages a corpus stream sends: Autobahn's 1000 where that is at most 256 KiB, else as
// many as make 256 KiB, and at least 8, so that every message size still runs on a window its
// predecessors filled (32 KiB at most, RFC 7692 §7.2.1), in seconds rather than minutes.
constexpr std::size_t stream_count(std::size_t units) {
  return std::clamp<std::size_t>((std::size_t{256} << 10) / std::max<std::size_t>(units, 1), 8,
                                 1000);
}

// Autobahn's message sizes (units per message) and automatic fragment sizes, case index 1-18.
struct stream_size {
  std::size_t units;
  std::size_t fragment;
};
inline constexpr stream_size autobahn_stream_sizes[18] = {
    {16, 0},      {64, 0},      {256, 0},      {1024, 0},      {4096, 0},      {8192, 0},
    {16384, 0},   {32768, 0},   {65536, 0},    {131072, 0},    {8192, 256},    {16384, 256},
    {32768, 256}, {65536, 256}, {131072, 256}, {131072, 1024}, {131072, 4096}, {131072, 32768},
};

// "json-16-chars", "image-131072-bytes-frames-256": the name part of a stream case's id.
inline std::string stream_name(const message_stream& s) {
  std::string n = std::string(to_string(s.source)) + "-" + std::to_string(s.units) +
                  (s.by_characters() ? "-chars" : "-bytes");
  if (s.fragment) n += "-frames-" + std::to_string(s.fragment);
  return n;
}

// What a stream case says it does.
inline std::string stream_description(const message_stream& s) {
  std::string d = "Send " + std::to_string(s.count) + (s.opcode == 1 ? " text" : " binary") +
                  " messages of " + std::to_string(s.units) +
                  (s.by_characters() ? " characters" : " bytes") +
                  ", consecutive slices of the generated " + std::string(to_string(s.source)) +
                  " corpus, compressed";
  if (s.fragment)
    d += " and split into frames of " + std::to_string(s.fragment) + " compressed bytes";
  return d +
         ", each once the previous one was echoed; the target echoes every one exactly (type, "
         "length and digest), compressed or not. UNIMPLEMENTED without permessage-deflate.";
}

inline constexpr const char* stream_note =
    "Autobahn sends 1000 messages of every size (up to 128 MiB per case, which is why its "
    "compression cases take minutes); wsspec sends 1000 up to 256 bytes and then as many as "
    "make 256 KiB (at least 8), so each message still runs on a window earlier ones filled. Each "
    "echo "
    "is compared exactly as it arrives, as Autobahn compares SHA-1s.";

inline constexpr const char* unimplemented_note =
    "UNIMPLEMENTED when permessage-deflate is not agreed (wsspec offers it to a server, and "
    "accepts a client's offer).";

// A frame whose payload wsspec compresses with the connection's agreed permessage-deflate.
inline wire_frame compressed(wire_frame f) {
  f.compress = true;
  return f;
}

// A case of the RFC 7692 families that needs permessage-deflate: wsspec offers it and accepts a
// client's offer; without it the case is UNIMPLEMENTED.
inline case_builder framing_case(catalogue& cat, const std::string& slug,
                                 const std::string& section, const char* requirement,
                                 std::source_location where = std::source_location::current()) {
  auto c = cat.add("rfc7692/" + section + "/" + slug, where);
  c.rfc("RFC 7692").section(section).must(requirement).offer_deflate().requires_deflate();
  return c;
}

}  // namespace wsspec::cases
