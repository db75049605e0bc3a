#include "wsspec/harness/catalogue.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <source_location>
#include <stdexcept>
#include <string_view>
#include <tuple>

#include "wsspec/harness/plan.hpp"

namespace wsspec::harness {

namespace {

// The repository root as the compiler was given it: this file's path without its own place in
// the repository. Empty when the compiler was given relative paths.
std::string_view repository_root() noexcept {
  constexpr std::string_view self = "harness/src/catalogue.cpp";
  const std::string_view here = std::source_location::current().file_name();
  if (!here.ends_with(self)) return {};
  return here.substr(0, here.size() - self.size());
}

}  // namespace

std::string case_source_path(std::string_view compiled_path) {
  if (const auto root = repository_root(); !root.empty() && compiled_path.starts_with(root))
    return std::string(compiled_path.substr(root.size()));
  constexpr std::string_view dir = "cases/";
  if (compiled_path.starts_with(dir)) return std::string(compiled_path);
  if (const auto at = compiled_path.rfind("/cases/"); at != std::string_view::npos)
    return std::string(compiled_path.substr(at + 1));
  if (const auto slash = compiled_path.find_last_of("/\\"); slash != std::string_view::npos)
    return std::string(compiled_path.substr(slash + 1));
  return std::string(compiled_path);
}

std::string_view id_section(std::string_view id) noexcept {
  const auto first = id.find('/');
  if (first == std::string_view::npos) return {};
  const auto spec = id.substr(0, first);
  if (spec.size() <= 3 || !spec.starts_with("rfc")) return {};
  for (char ch : spec.substr(3))
    if (ch < '0' || ch > '9') return {};
  const auto second = id.find('/', first + 1);
  if (second == std::string_view::npos) return {};
  return id.substr(first + 1, second - first - 1);
}

case_builder catalogue::add(std::string id, std::source_location where) {
  case_def c;
  c.id = std::move(id);
  c.source_file = case_source_path(where.file_name());
  c.source_line = where.line();
  cases_.push_back(std::move(c));
  return case_builder(*this, cases_.size() - 1);
}

const case_def* catalogue::find(std::string_view id) const noexcept {
  for (const auto& c : cases_)
    if (c.id == id) return &c;
  return nullptr;
}

std::vector<std::string> catalogue::validate() const {
  std::vector<std::string> problems;
  std::set<std::string> ids;
  std::map<std::string, std::string> aliases;
  for (const auto& c : cases_) {
    const std::string who = c.id.empty() ? "a case without id" : "case " + c.id;
    if (c.id.empty()) problems.push_back("a case has no id");
    if (!ids.insert(c.id).second) problems.push_back(who + ": duplicate id");
    if (c.rfc.empty()) problems.push_back(who + ": no RFC");
    if (c.section.empty()) problems.push_back(who + ": no section");
    if (const auto named = id_section(c.id); !named.empty() && named != c.section)
      problems.push_back(who + ": the id names section " + std::string(named) +
                         " but the case is in section " + c.section);
    if (c.requirement.empty()) problems.push_back(who + ": no quoted requirement");
    if (c.description.empty()) problems.push_back(who + ": no description");
    if (c.budget.count() <= 0) problems.push_back(who + ": no time budget");
    if (!c.autobahn.empty()) {
      auto [it, fresh] = aliases.emplace(c.autobahn, c.id);
      if (!fresh)
        problems.push_back(who + ": Autobahn alias " + c.autobahn + " also used by " + it->second);
    }
    if (c.handshake.response != response_spec{} && applies_to(c.roles, ref::role::server))
      problems.push_back(who +
                         ": a response to send is for clients only, but the case applies "
                         "to servers");
    const bool streams = streams_messages(c);
    if (c.expect.outcomes.empty() && !c.expect.handshake && !c.expect.echo_streams)
      problems.push_back(who + ": no acceptable outcome");
    if (c.expect.echo_streams && !streams)
      problems.push_back(who + ": it expects the echo of message streams but sends none");
    if (c.expect.echo_streams && !c.expect.outcomes.empty())
      problems.push_back(who + ": a stream's echo and listed outcomes cannot both be expected");
    if (c.expect.fail_before_mark) {
      bool found = false;
      for (const auto& s : c.steps)
        if (auto* m = std::get_if<mark_step>(&s); m && m->label == *c.expect.fail_before_mark)
          found = true;
      if (!found) problems.push_back(who + ": fail_fast names a mark no step sets");
    }
    for (const auto& p : c.expect.pongs_before) {
      bool found = false;
      for (const auto& s : c.steps)
        if (auto* m = std::get_if<mark_step>(&s); m && m->label == p.mark) found = true;
      if (!found) problems.push_back(who + ": pong_before names a mark no step sets");
    }
  }
  return problems;
}

namespace {

struct family {
  int rfc;
  std::vector<int> section;
  family_fn add;
};

std::vector<family>& families() {
  static std::vector<family> list;
  return list;
}

std::vector<int> section_key(std::string_view s) {
  std::vector<int> key;
  int value = 0;
  for (char c : s) {
    if (c == '.') {
      key.push_back(value);
      value = 0;
    } else {
      value = value * 10 + (c - '0');
    }
  }
  key.push_back(value);
  return key;
}

}  // namespace

bool register_family(int rfc, std::string_view section, family_fn add) {
  families().push_back({rfc, section_key(section), add});
  return true;
}

const catalogue& builtin_catalogue() {
  static const catalogue cat = [] {
    auto list = families();
    std::stable_sort(list.begin(), list.end(), [](const family& a, const family& b) {
      return std::tie(a.rfc, a.section) < std::tie(b.rfc, b.section);
    });
    catalogue c;
    for (const auto& f : list) f.add(c);
    // A family may hold cases of several subsections; the catalogue reads in RFC order.
    std::stable_sort(c.cases().begin(), c.cases().end(), [](const case_def& a, const case_def& b) {
      if (a.rfc != b.rfc) return a.rfc < b.rfc;
      return section_key(a.section) < section_key(b.section);
    });
    return c;
  }();
  return cat;
}

// ----- builder -------------------------------------------------------------------------------

case_builder& case_builder::rfc(std::string r) {
  def().rfc = std::move(r);
  return *this;
}
case_builder& case_builder::section(std::string s) {
  def().section = std::move(s);
  return *this;
}
case_builder& case_builder::must(std::string r) {
  def().lvl = level::must;
  def().requirement = std::move(r);
  return *this;
}
case_builder& case_builder::should(std::string r) {
  def().lvl = level::should;
  def().requirement = std::move(r);
  return *this;
}
case_builder& case_builder::may(std::string r) {
  def().lvl = level::may;
  def().requirement = std::move(r);
  return *this;
}
case_builder& case_builder::roles(role_set r) {
  def().roles = r;
  return *this;
}
case_builder& case_builder::rule(ref::error e) {
  if (std::find(def().rules.begin(), def().rules.end(), e) == def().rules.end())
    def().rules.push_back(e);
  return *this;
}
case_builder& case_builder::autobahn(std::string n) {
  def().autobahn = std::move(n);
  return *this;
}
case_builder& case_builder::describe(std::string d) {
  def().description = std::move(d);
  return *this;
}
case_builder& case_builder::note(std::string n) {
  def().note = std::move(n);
  return *this;
}
case_builder& case_builder::budget(std::chrono::milliseconds b) {
  def().budget = b;
  return *this;
}
case_builder& case_builder::performance() {
  def().performance = true;
  return *this;
}
case_builder& case_builder::handshake(handshake_spec h) {
  def().handshake = std::move(h);
  return *this;
}
case_builder& case_builder::request_header(std::string name, std::string value) {
  def().handshake.extra_headers.push_back({std::move(name), std::move(value)});
  return *this;
}
case_builder& case_builder::omit_header(std::string name) {
  def().handshake.omit_headers.push_back(std::move(name));
  return *this;
}
case_builder& case_builder::raw_request(std::string request) {
  def().handshake.raw_request = std::move(request);
  return *this;
}
case_builder& case_builder::subprotocols(std::vector<std::string> p) {
  def().handshake.subprotocols = std::move(p);
  return *this;
}
case_builder& case_builder::offer_extensions(std::vector<ref::extension> e) {
  def().handshake.extensions = std::move(e);
  return *this;
}
case_builder& case_builder::offer_deflate() {
  ref::deflate_offer offer;
  offer.client_max_window_bits_present = true;
  return offer_deflate({offer});
}
case_builder& case_builder::offer_deflate(std::vector<ref::deflate_offer> offers) {
  def().handshake.deflate_offers = std::move(offers);
  return *this;
}
case_builder& case_builder::answer_deflate(ref::deflate_server_policy policy) {
  def().handshake.deflate_answer = policy;
  return *this;
}
case_builder& case_builder::requires_deflate() {
  def().expect.requires_deflate = true;
  return *this;
}
case_builder& case_builder::respond(response_spec r) {
  def().handshake.response = std::move(r);
  return *this;
}
case_builder& case_builder::response_status(int status, std::string reason) {
  def().handshake.response.status = status;
  if (!reason.empty()) def().handshake.response.reason = std::move(reason);
  return *this;
}
case_builder& case_builder::response_accept(std::string value) {
  def().handshake.response.accept = std::move(value);
  return *this;
}
case_builder& case_builder::response_subprotocol(std::string value) {
  def().handshake.response.subprotocol = std::move(value);
  return *this;
}
case_builder& case_builder::response_extensions(std::string value) {
  def().handshake.response.extensions = std::move(value);
  return *this;
}
case_builder& case_builder::response_header(std::string name, std::string value) {
  def().handshake.response.extra_headers.push_back({std::move(name), std::move(value)});
  return *this;
}
case_builder& case_builder::omit_response_header(std::string name) {
  def().handshake.response.omit_headers.push_back(std::move(name));
  return *this;
}
case_builder& case_builder::raw_response(std::string response) {
  def().handshake.response.raw = std::move(response);
  return *this;
}
case_builder& case_builder::response_chopped(std::size_t chop, std::chrono::milliseconds pause) {
  def().handshake.response.chop = chop;
  def().handshake.response.pause = pause;
  return *this;
}
case_builder& case_builder::frames_with_response(std::vector<wire_frame> frames) {
  def().handshake.response.frames_with_response = std::move(frames);
  return *this;
}
case_builder& case_builder::expect_client_fails() {
  handshake_expectation h;
  h.expect = handshake_expectation::outcome::reject;
  def().expect.handshake = h;
  def().expect.close.closes = close_expectation::who::target;
  def().expect.close.codes.clear();
  def().expect.close.allow_drop = true;
  def().expect.close.require_clean = false;
  return *this;
}
case_builder& case_builder::server_close_delay(std::chrono::milliseconds d) {
  def().expect.close.server_close_delay = d;
  return *this;
}
case_builder& case_builder::send(std::initializer_list<wire_frame> frames) {
  return send(std::vector<wire_frame>(frames));
}
case_builder& case_builder::send(std::vector<wire_frame> frames) {
  def().steps.push_back(send_frames{std::move(frames), 0, {}});
  return *this;
}
case_builder& case_builder::send_chopped(std::vector<wire_frame> frames, std::size_t chop,
                                         std::chrono::milliseconds pause) {
  def().steps.push_back(send_frames{std::move(frames), chop, pause});
  return *this;
}
case_builder& case_builder::send_raw(payload_spec bytes, std::size_t chop,
                                     std::chrono::milliseconds pause) {
  def().steps.push_back(harness::send_raw{std::move(bytes), chop, pause});
  return *this;
}
case_builder& case_builder::send_message(std::uint8_t opcode, payload_spec payload,
                                         std::size_t fragment, bool compress) {
  def().steps.push_back(harness::send_message{opcode, std::move(payload), fragment, compress});
  return *this;
}
case_builder& case_builder::pause(std::chrono::milliseconds d) {
  def().steps.push_back(pause_step{d});
  return *this;
}
case_builder& case_builder::await(std::size_t messages, std::size_t pongs,
                                  std::chrono::milliseconds timeout) {
  def().steps.push_back(await_step{messages, pongs, timeout});
  return *this;
}
case_builder& case_builder::close(std::optional<std::uint16_t> code, std::string reason) {
  def().steps.push_back(close_step{code, std::move(reason), std::nullopt, {}});
  return *this;
}
case_builder& case_builder::close_raw(payload_spec body) {
  def().steps.push_back(close_step{std::nullopt, {}, std::move(body), {}});
  return *this;
}
case_builder& case_builder::close_then(std::optional<std::uint16_t> code,
                                       std::vector<wire_frame> after) {
  def().steps.push_back(close_step{code, {}, std::nullopt, std::move(after)});
  return *this;
}
case_builder& case_builder::shutdown() {
  def().steps.push_back(shutdown_step{});
  return *this;
}
case_builder& case_builder::mark(std::string label) {
  def().steps.push_back(mark_step{std::move(label)});
  return *this;
}
case_builder& case_builder::round_trips(std::uint8_t opcode, payload_spec payload,
                                        std::size_t count, std::chrono::milliseconds timeout) {
  def().steps.push_back(round_trips_step{opcode, std::move(payload), count, timeout});
  return *this;
}
case_builder& case_builder::stream(message_stream s) {
  def().steps.push_back(std::move(s));
  return *this;
}
case_builder& case_builder::expect_stream_echo() {
  def().expect.outcomes.clear();
  def().expect.close = close_expectation{};
  def().expect.echo_streams = true;
  return *this;
}
case_builder& case_builder::expect_echo(std::vector<expected_event> events) {
  def().expect.outcomes = {outcome{verdict::ok, std::move(events)}};
  def().expect.close = close_expectation{};
  return *this;
}
case_builder& case_builder::expect(std::vector<outcome> outcomes, close_expectation close) {
  def().expect.outcomes = std::move(outcomes);
  def().expect.close = std::move(close);
  return *this;
}
case_builder& case_builder::expect_fail(std::vector<std::uint16_t> codes,
                                        std::vector<expected_event> before) {
  def().expect.outcomes = {outcome{verdict::ok, std::move(before)}};
  close_expectation c;
  c.closes = close_expectation::who::target;
  c.codes = std::move(codes);
  c.allow_drop = true;
  c.require_clean = false;
  def().expect.close = std::move(c);
  return *this;
}
case_builder& case_builder::expect_handshake(handshake_expectation h) {
  def().expect.handshake = std::move(h);
  return *this;
}
case_builder& case_builder::fail_fast(std::string mark) {
  def().expect.fail_before_mark = std::move(mark);
  return *this;
}
case_builder& case_builder::forbid_pong(payload_spec payload) {
  def().expect.forbidden_pongs.push_back(std::move(payload));
  return *this;
}
case_builder& case_builder::pong_before(payload_spec payload, std::string mark) {
  def().expect.pongs_before.push_back({std::move(payload), std::move(mark)});
  return *this;
}
case_builder& case_builder::compare_length() {
  def().expect.compare = compare_mode::length;
  return *this;
}
case_builder& case_builder::informational() {
  def().expect.informational = true;
  return *this;
}

// ----- constructors --------------------------------------------------------------------------

wire_frame frame(std::uint8_t opcode, payload_spec payload, bool fin) {
  wire_frame f;
  f.opcode = opcode;
  f.payload = std::move(payload);
  f.fin = fin;
  return f;
}
wire_frame text(std::string_view s, bool fin) {
  return frame(1, payload_spec::text(s), fin);
}
wire_frame binary(std::vector<std::uint8_t> b, bool fin) {
  return frame(2, payload_spec::bytes(std::move(b)), fin);
}
wire_frame continuation(std::string_view s, bool fin) {
  return frame(0, payload_spec::text(s), fin);
}
wire_frame ping(std::string_view s) {
  return frame(9, payload_spec::text(s));
}
wire_frame pong(std::string_view s) {
  return frame(10, payload_spec::text(s));
}
wire_frame close_frame(std::optional<std::uint16_t> code, std::string_view reason) {
  std::vector<std::uint8_t> body;
  if (code) {
    body.push_back(static_cast<std::uint8_t>(*code >> 8));
    body.push_back(static_cast<std::uint8_t>(*code));
    body.insert(body.end(), reason.begin(), reason.end());
  }
  return frame(8, payload_spec::bytes(std::move(body)));
}
wire_frame with_rsv(wire_frame f, std::uint8_t bits) {
  f.rsv1 = (bits & 4) != 0;
  f.rsv2 = (bits & 2) != 0;
  f.rsv3 = (bits & 1) != 0;
  return f;
}

expected_event message_of(std::uint8_t opcode, payload_spec payload) {
  return {expected_event::kind::message, opcode, std::move(payload)};
}
expected_event text_message(std::string_view s) {
  return message_of(1, payload_spec::text(s));
}
expected_event binary_message(std::vector<std::uint8_t> b) {
  return message_of(2, payload_spec::bytes(std::move(b)));
}
expected_event pong_of(std::string_view s) {
  return {expected_event::kind::pong, 10, payload_spec::text(s)};
}
outcome ok(std::vector<expected_event> events) {
  return {verdict::ok, std::move(events)};
}
outcome non_strict(std::vector<expected_event> events) {
  return {verdict::non_strict, std::move(events)};
}

std::vector<std::uint8_t> hex(std::string_view h) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::vector<std::uint8_t> out;
  int hi = -1;
  for (char c : h) {
    if (c == ' ') continue;
    const int v = nibble(c);
    if (v < 0) throw std::invalid_argument("not a hex digit in a case payload");
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  if (hi >= 0) throw std::invalid_argument("odd number of hex digits in a case payload");
  return out;
}

}  // namespace wsspec::harness
