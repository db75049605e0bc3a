#include "wsspec/reports/json.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace wsspec::reports {

using nlohmann::json;
using namespace harness;

namespace {

constexpr int oldest_schema_version = 1;  // the oldest results.json read_json still reads

template <class E, std::size_t N>
E from_word(const std::string& word, const E (&values)[N], std::string_view what) {
  for (E v : values)
    if (to_string(v) == word) return v;
  throw std::runtime_error("unknown " + std::string(what) + " '" + word + "'");
}

constexpr verdict all_verdicts[] = {
    verdict::ok,     verdict::non_strict, verdict::informational, verdict::unimplemented,
    verdict::failed, verdict::error};
constexpr close_verdict all_close[] = {
    close_verdict::ok,     close_verdict::wrong_code,    close_verdict::unclean,
    close_verdict::failed, close_verdict::informational, close_verdict::error};
constexpr level all_levels[] = {level::must, level::should, level::may};
constexpr entry_kind all_kinds[] = {entry_kind::connected,
                                    entry_kind::tx_bytes,
                                    entry_kind::rx_bytes,
                                    entry_kind::handshake_request,
                                    entry_kind::handshake_response,
                                    entry_kind::tx_frame,
                                    entry_kind::rx_frame,
                                    entry_kind::rx_message,
                                    entry_kind::rx_close,
                                    entry_kind::violation,
                                    entry_kind::tcp_fin,
                                    entry_kind::tcp_error,
                                    entry_kind::tcp_closed,
                                    entry_kind::mark,
                                    entry_kind::timeout,
                                    entry_kind::note};

std::optional<ref::error> error_named(const std::string& n) {
  for (std::size_t i = 0; i < ref::error_count; ++i)
    if (ref::name(static_cast<ref::error>(i)) == n) return static_cast<ref::error>(i);
  return std::nullopt;
}

std::vector<std::uint8_t> from_hex(const std::string& h) {
  if (h.size() % 2) throw std::runtime_error("odd-length hex string");
  std::vector<std::uint8_t> out(h.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<std::uint8_t>(std::stoul(h.substr(2 * i, 2), nullptr, 16));
  return out;
}

json opt_us(const std::optional<micros>& t) {
  return t ? json(t->count()) : json(nullptr);
}
std::optional<micros> read_us(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  return micros(j[key].get<std::int64_t>());
}

json header_json(const ref::frame_header& h) {
  return {{"fin", h.fin},
          {"rsv", h.rsv_bits()},
          {"opcode", h.opcode},
          {"masked", h.masked},
          {"key", to_hex({h.key.begin(), h.key.end()})},
          {"length", h.length},
          {"length_bytes", h.length_bytes}};
}
ref::frame_header read_header(const json& j) {
  ref::frame_header h;
  h.fin = j.at("fin").get<bool>();
  const auto rsv = j.at("rsv").get<unsigned>();
  h.rsv1 = rsv & 4;
  h.rsv2 = rsv & 2;
  h.rsv3 = rsv & 1;
  h.opcode = j.at("opcode").get<std::uint8_t>();
  h.masked = j.at("masked").get<bool>();
  const auto key = from_hex(j.at("key").get<std::string>());
  if (key.size() == 4) std::copy(key.begin(), key.end(), h.key.begin());
  h.length = j.at("length").get<std::uint64_t>();
  h.length_bytes = j.at("length_bytes").get<std::uint8_t>();
  return h;
}

json violations_json(const ref::error_set& s) {
  json a = json::array();
  s.for_each([&](ref::error e) { a.push_back(std::string(ref::name(e))); });
  return a;
}

json transcript_json(const transcript& t) {
  json entries = json::array();
  for (const auto& e : t.entries) {
    json je = {{"t_us", e.at.count()}, {"kind", std::string(to_string(e.kind))}, {"text", e.text}};
    if (!e.bytes.empty() || e.size) {
      je["hex"] = to_hex(e.bytes);
      je["size"] = e.size;
    }
    if (e.kind == entry_kind::rx_frame || e.kind == entry_kind::tx_frame)
      je["header"] = header_json(e.header);
    if (!e.violations.empty()) je["violations"] = violations_json(e.violations);
    entries.push_back(std::move(je));
  }
  json messages = json::array();
  for (const auto& m : t.messages)
    messages.push_back({{"opcode", m.opcode},
                        {"length", m.length},
                        {"digest", m.digest},
                        {"valid_utf8", m.valid_utf8},
                        {"compressed", m.compressed},
                        {"t_us", m.at.count()}});
  json pongs = json::array();
  for (const auto& p : t.pongs) pongs.push_back(to_hex(p));
  json violations = json::array();
  for (const auto& [e, d] : t.violations)
    violations.push_back({{"rule", std::string(ref::name(e))}, {"detail", d}});
  json marks = json::object();
  for (const auto& [k, v] : t.marks) marks[k] = v.count();
  json close = nullptr;
  if (t.close) {
    close = {{"code", t.close->code ? json(*t.close->code) : json(nullptr)},
             {"reason", t.close->reason},
             {"reason_hex", to_hex({t.close->reason.begin(), t.close->reason.end()})},
             {"problem",
              t.close->problem ? json(std::string(ref::name(*t.close->problem))) : json(nullptr)},
             {"t_us", t.close->at.count()}};
  }
  return {
      {"connected", t.connected},
      {"connect_error", t.connect_error},
      {"harness_error", t.harness_error},
      {"handshake_complete", t.handshake_complete},
      {"http_status", t.http_status},
      {"handshake_problem",
       t.handshake_problem ? json(std::string(ref::name(*t.handshake_problem))) : json(nullptr)},
      {"deflate", t.deflate_agreed},
      {"messages", messages},
      {"pongs", pongs},
      {"pings", t.pings},
      {"close", close},
      {"violations", violations},
      {"close_sent_us", opt_us(t.close_sent_at)},
      {"peer_eof_us", opt_us(t.peer_eof_at)},
      {"reset_us", opt_us(t.reset_at)},
      {"wsspec_closed_tcp_us", opt_us(t.we_closed_tcp_at)},
      {"wsspec_closed_first", t.harness_closed_first},
      {"budget_expired", t.budget_expired},
      {"marks", marks},
      {"duration_us", t.duration.count()},
      {"tx_bytes", t.tx_bytes},
      {"rx_bytes", t.rx_bytes},
      {"entries", entries}};
}

transcript read_transcript(const json& j) {
  transcript t;
  t.connected = j.at("connected").get<bool>();
  t.connect_error = j.at("connect_error").get<std::string>();
  t.harness_error = j.at("harness_error").get<std::string>();
  t.handshake_complete = j.at("handshake_complete").get<bool>();
  t.http_status = j.at("http_status").get<int>();
  if (!j.at("handshake_problem").is_null())
    t.handshake_problem = error_named(j["handshake_problem"].get<std::string>());
  t.deflate_agreed = j.at("deflate").get<bool>();
  for (const auto& m : j.at("messages")) {
    observed_message om;
    om.opcode = m.at("opcode").get<std::uint8_t>();
    om.length = m.at("length").get<std::uint64_t>();
    om.digest = m.at("digest").get<std::uint64_t>();
    om.valid_utf8 = m.at("valid_utf8").get<bool>();
    om.compressed = m.at("compressed").get<bool>();
    om.at = micros(m.at("t_us").get<std::int64_t>());
    t.messages.push_back(om);
  }
  for (const auto& p : j.at("pongs")) t.pongs.push_back(from_hex(p.get<std::string>()));
  t.pings = j.at("pings").get<std::size_t>();
  if (!j.at("close").is_null()) {
    const auto& c = j["close"];
    observed_close oc;
    if (!c.at("code").is_null()) oc.code = c["code"].get<std::uint16_t>();
    const auto reason = from_hex(c.at("reason_hex").get<std::string>());
    oc.reason.assign(reason.begin(), reason.end());
    if (!c.at("problem").is_null()) oc.problem = error_named(c["problem"].get<std::string>());
    oc.at = micros(c.at("t_us").get<std::int64_t>());
    t.close = oc;
  }
  for (const auto& v : j.at("violations")) {
    auto e = error_named(v.at("rule").get<std::string>());
    if (!e) throw std::runtime_error("unknown rule '" + v["rule"].get<std::string>() + "'");
    t.violations.emplace_back(*e, v.at("detail").get<std::string>());
  }
  t.close_sent_at = read_us(j, "close_sent_us");
  t.peer_eof_at = read_us(j, "peer_eof_us");
  t.reset_at = read_us(j, "reset_us");
  t.we_closed_tcp_at = read_us(j, "wsspec_closed_tcp_us");
  t.harness_closed_first = j.at("wsspec_closed_first").get<bool>();
  t.budget_expired = j.at("budget_expired").get<bool>();
  for (const auto& [k, v] : j.at("marks").items()) t.marks[k] = micros(v.get<std::int64_t>());
  t.duration = micros(j.at("duration_us").get<std::int64_t>());
  t.tx_bytes = j.at("tx_bytes").get<std::uint64_t>();
  t.rx_bytes = j.at("rx_bytes").get<std::uint64_t>();
  for (const auto& je : j.at("entries")) {
    entry e;
    e.at = micros(je.at("t_us").get<std::int64_t>());
    e.kind = from_word(je.at("kind").get<std::string>(), all_kinds, "entry kind");
    e.text = je.at("text").get<std::string>();
    if (je.contains("hex")) {
      e.bytes = from_hex(je["hex"].get<std::string>());
      e.size = je.at("size").get<std::uint64_t>();
    }
    if (je.contains("header")) e.header = read_header(je["header"]);
    if (je.contains("violations"))
      for (const auto& v : je["violations"])
        if (auto err = error_named(v.get<std::string>())) e.violations.add(*err);
    t.entries.push_back(std::move(e));
  }
  return t;
}

json result_json(const case_result& r) {
  json reasons = json::array();
  for (const auto& f : r.reasons)
    reasons.push_back(
        {{"code", f.code}, {"level", std::string(to_string(f.level))}, {"text", f.text}});
  return {{"id", r.id},
          {"rfc", r.rfc},
          {"section", r.section},
          {"requirement", r.requirement},
          {"level", std::string(to_string(r.lvl))},
          {"autobahn", r.autobahn},
          {"description", r.description},
          {"note", r.note},
          {"behavior", std::string(to_string(r.behavior))},
          {"behavior_close", std::string(to_string(r.close))},
          {"reasons", reasons},
          {"expected", r.expected},
          {"actual", r.actual},
          {"remote_close_code", r.remote_close_code ? json(*r.remote_close_code) : json(nullptr)},
          {"remote_close_reason", r.remote_close_reason},
          {"duration_us", r.duration.count()},
          {"transcript", transcript_json(r.log)}};
}

// Schema 1 wrote each reason as a string: it becomes a finding with the code "finding" at the
// case's behavior verdict.
std::vector<finding> read_reasons(const json& j, int version, verdict behavior) {
  std::vector<finding> out;
  for (const auto& f : j) {
    if (version == 1)
      out.push_back({"finding", behavior, f.get<std::string>()});
    else
      out.push_back({f.at("code").get<std::string>(),
                     from_word(f.at("level").get<std::string>(), all_verdicts, "verdict"),
                     f.at("text").get<std::string>()});
  }
  return out;
}

case_result read_result(const json& j, int version) {
  case_result r;
  r.id = j.at("id").get<std::string>();
  r.rfc = j.at("rfc").get<std::string>();
  r.section = j.at("section").get<std::string>();
  r.requirement = j.at("requirement").get<std::string>();
  r.lvl = from_word(j.at("level").get<std::string>(), all_levels, "level");
  r.autobahn = j.at("autobahn").get<std::string>();
  r.description = j.at("description").get<std::string>();
  r.note = j.at("note").get<std::string>();
  r.behavior = from_word(j.at("behavior").get<std::string>(), all_verdicts, "verdict");
  r.close = from_word(j.at("behavior_close").get<std::string>(), all_close, "close verdict");
  r.reasons = read_reasons(j.at("reasons"), version, r.behavior);
  r.expected = j.at("expected").get<std::string>();
  r.actual = j.at("actual").get<std::string>();
  if (!j.at("remote_close_code").is_null())
    r.remote_close_code = j["remote_close_code"].get<std::uint16_t>();
  r.remote_close_reason = j.at("remote_close_reason").get<std::string>();
  r.duration = micros(j.at("duration_us").get<std::int64_t>());
  r.log = read_transcript(j.at("transcript"));
  return r;
}

json info_json(const run_info& i) {
  json j = {{"tool_version", i.tool_version},
            {"target", i.target},
            {"role", i.role},
            {"agent", i.agent},
            {"seed", i.seed},
            {"selection", i.selection},
            {"exclude", i.exclude},
            {"shard", i.shard},
            {"jobs", i.jobs},
            {"time_scale", i.time_scale},
            {"close_timeout_ms", i.close_timeout_ms},
            {"started", i.started},
            {"wall_ms", i.wall_ms},
            {"strict", i.strict}};
  if (i.tls_unverified) j["tls_unverified"] = true;
  if (i.fuzz) {
    const auto& f = *i.fuzz;
    j["fuzz"] = {
        {"runs", f.runs},
        {"undecided", f.undecided},
        {"informational", f.informational},
        {"next_run", f.next_run},
        {"wall_ms", f.wall_ms},
        {"runs_per_second",
         f.wall_ms ? static_cast<double>(f.runs) * 1000.0 / static_cast<double>(f.wall_ms) : 0.0},
        {"target_died", f.target_died},
        {"findings", f.findings},
        {"kinds", f.kinds}};
  }
  return j;
}

run_info read_info(const json& j) {
  run_info i;
  i.tool_version = j.at("tool_version").get<std::string>();
  i.target = j.at("target").get<std::string>();
  i.role = j.at("role").get<std::string>();
  i.agent = j.at("agent").get<std::string>();
  i.seed = j.at("seed").get<std::uint64_t>();
  i.selection = j.at("selection").get<std::vector<std::string>>();
  i.exclude = j.at("exclude").get<std::vector<std::string>>();
  i.shard = j.at("shard").get<std::string>();
  i.jobs = j.at("jobs").get<std::size_t>();
  i.time_scale = j.at("time_scale").get<double>();
  i.close_timeout_ms = j.at("close_timeout_ms").get<std::uint64_t>();
  i.started = j.at("started").get<std::string>();
  i.wall_ms = j.at("wall_ms").get<std::uint64_t>();
  i.strict = j.at("strict").get<bool>();
  i.tls_unverified = j.value("tls_unverified", false);
  if (const auto f = j.find("fuzz"); f != j.end()) {
    fuzz_summary z;
    z.runs = f->at("runs").get<std::uint64_t>();
    z.undecided = f->at("undecided").get<std::uint64_t>();
    z.informational = f->at("informational").get<std::uint64_t>();
    z.next_run = f->at("next_run").get<std::uint64_t>();
    z.wall_ms = f->at("wall_ms").get<std::uint64_t>();
    z.target_died = f->at("target_died").get<bool>();
    z.findings = f->at("findings").get<std::map<std::string, std::uint64_t>>();
    z.kinds = f->at("kinds").get<std::map<std::string, std::uint64_t>>();
    i.fuzz = std::move(z);
  }
  return i;
}

// Values this deep (a wire-log entry, a message, a violation of a transcript) are written on one
// line each; everything above them one field per line, indented by one space per level.
constexpr int one_line_depth = 7;

// Text from the target that is not UTF-8 is replaced (its bytes are kept as hex beside it).
std::string one_line(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

void write_indented(const json& j, std::ostream& out, int depth) {
  if (depth >= one_line_depth || !j.is_structured() || j.empty()) {
    out << one_line(j);
    return;
  }
  const std::string pad(static_cast<std::size_t>(depth) + 1, ' ');
  out << (j.is_object() ? "{\n" : "[\n");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it != j.begin()) out << ",\n";
    out << pad;
    if (j.is_object()) out << one_line(it.key()) << ": ";
    write_indented(it.value(), out, depth + 1);
  }
  out << "\n" << std::string(static_cast<std::size_t>(depth), ' ') << (j.is_object() ? "}" : "]");
}

}  // namespace

json result_to_json(const case_result& r) {
  return result_json(r);
}

std::string to_hex(const std::vector<std::uint8_t>& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    s += digits[b >> 4];
    s += digits[b & 0xF];
  }
  return s;
}

void write_json(const report& r, std::ostream& out) {
  json agents = json::array();
  for (const auto& a : r.agents) {
    const summary s = summarize(a);
    json results = json::array();
    for (const auto& res : a.results) results.push_back(result_json(res));
    agents.push_back({{"run", info_json(a.info)},
                      {"summary",
                       {{"total", s.total},
                        {"behavior", s.behavior},
                        {"close", s.close},
                        {"gate_failures", s.gate_failures},
                        {"errors", s.errors}}},
                      {"results", results}});
  }
  const json doc = {{"schema_version", schema_version}, {"agents", agents}};
  write_indented(doc, out, 0);
  out << "\n";
}

report read_json(std::istream& in) {
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(std::string("not JSON: ") + e.what());
  }
  try {
    const int version = doc.at("schema_version").get<int>();
    if (version < oldest_schema_version || version > schema_version)
      throw std::runtime_error("unsupported schema_version " + std::to_string(version));
    report r;
    for (const auto& a : doc.at("agents")) {
      agent_report ar;
      ar.info = read_info(a.at("run"));
      for (const auto& res : a.at("results")) ar.results.push_back(read_result(res, version));
      r.agents.push_back(std::move(ar));
    }
    return r;
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("not a wsspec results file: ") + e.what());
  }
}

}  // namespace wsspec::reports
