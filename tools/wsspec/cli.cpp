#include "wsspec/cli.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "wsspec/harness/case_json.hpp"
#include "wsspec/harness/catalogue.hpp"
#include "wsspec/harness/rules.hpp"
#include "wsspec/harness/runner.hpp"
#include "wsspec/harness/selector.hpp"
#include "wsspec/reference/asio/endpoint.hpp"
#include "wsspec/reference/url.hpp"
#include "wsspec/reports/autobahn_index.hpp"
#include "wsspec/reports/expect.hpp"
#include "wsspec/reports/html.hpp"
#include "wsspec/reports/json.hpp"
#include "wsspec/reports/junit.hpp"
#include "wsspec/reports/markdown.hpp"
#include "wsspec/reports/merge.hpp"

namespace wsspec::cli {

namespace {

using harness::case_result;

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

std::string now_iso() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::ostringstream s;
  s << std::put_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  return s.str();
}

bool parse_listen(const std::string& text, std::string& host, std::uint16_t& port) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string digits = text.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return false;
  const unsigned long value = std::stoul(digits);
  if (value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return !host.empty();
}

bool parse_shard(const std::string& text, std::size_t& index, std::size_t& count) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  try {
    std::size_t a = 0, b = 0;
    index = std::stoul(text.substr(0, slash), &a);
    count = std::stoul(text.substr(slash + 1), &b);
    if (a != slash || b != text.size() - slash - 1) return false;
  } catch (const std::exception&) {
    return false;
  }
  return count >= 1 && index >= 1 && index <= count;
}

std::string pad(std::string_view s, std::size_t w) {
  std::string out(s);
  if (out.size() < w) out.append(w - out.size(), ' ');
  return out;
}

void print_line(std::ostream& out, const case_result& r, std::size_t done, std::size_t total) {
  const std::string counter = "[" + std::to_string(done) + "/" + std::to_string(total) + "]";
  out << pad(counter, 11) << pad(harness::to_string(r.behavior), 14)
      << pad(harness::to_string(r.close), 14) << pad(r.autobahn.empty() ? "-" : r.autobahn, 9)
      << r.id << "  " << std::chrono::duration_cast<std::chrono::milliseconds>(r.duration).count()
      << " ms\n";
}

struct test_options {
  std::string url;
  std::vector<std::string> cases;
  std::vector<std::string> exclude;
  std::size_t jobs = 0;
  std::string out_dir = "wsspec-report";
  std::string agent;
  std::uint64_t seed = 1;
  std::uint64_t timeout_ms = 1000;
  double slow = 1.0;
  std::string shard;
  std::string case_file;
  std::string junit_file;
  std::string expect_file;
  bool strict = false;
  bool quiet = false;
};

// The cases of a --case-file, checked like the built-in catalogue; false with a reason on error.
bool load_case_file(const std::string& path, harness::catalogue& into, std::ostream& err) {
  std::ifstream f(path);
  if (!f) {
    err << "wsspec: cannot read case file " << path << "\n";
    return false;
  }
  try {
    for (auto& c : harness::read_case_file(f)) into.add_case(std::move(c));
  } catch (const std::exception& e) {
    err << "wsspec: " << path << ": " << e.what() << "\n";
    return false;
  }
  const auto problems = into.validate();
  if (!problems.empty()) {
    err << "wsspec: " << path << ": " << problems.front() << "\n";
    return false;
  }
  return true;
}

// Runs `selected` against the server at `url` and fills `into` (results and run metadata).
// Progress goes to `out` as cases finish. Returns exit_usage when the target could not be reached.
int run_against(const test_options& o, const ref::ws_url& url,
                const std::vector<const harness::case_def*>& selected, reports::agent_report& into,
                std::ostream& out, std::ostream& err) {
  harness::run_options ro;
  ro.target = ref::role::server;
  ro.host = url.host;
  ro.port = url.port;
  ro.host_header = url.host_header();
  ro.resource = url.resource;
  ro.jobs = o.jobs ? o.jobs : 8;
  ro.seed = o.seed;
  ro.time_scale = o.slow;
  ro.close_timeout = std::chrono::milliseconds(o.timeout_ms);
  std::size_t done = 0;
  ro.on_result = [&](const case_result& r, std::size_t) {
    ++done;
    if (!o.quiet || harness::breaks_gate(r, o.strict)) print_line(out, r, done, selected.size());
    out.flush();
  };
  const std::string started = now_iso();
  auto outcome = harness::run_cases(selected, ro);
  if (outcome.unreachable) {
    err << "wsspec: the target could not be reached: " << outcome.unreachable_reason << "\n";
    return exit_usage;
  }
  into.info.tool_version = WSSPEC_VERSION;
  into.info.target = o.url;
  into.info.role = "server";
  into.info.agent = o.agent.empty() ? url.host_header() : o.agent;
  into.info.seed = o.seed;
  into.info.selection = o.cases;
  into.info.exclude = o.exclude;
  into.info.shard = o.shard;
  into.info.jobs = ro.jobs;
  into.info.time_scale = o.slow;
  into.info.close_timeout_ms = o.timeout_ms;
  into.info.started = started;
  into.info.wall_ms = static_cast<std::uint64_t>(outcome.wall.count());
  into.info.strict = o.strict;
  into.results = std::move(outcome.results);
  return exit_ok;
}

// Writes one file with `write`; false with a line on `err` when it cannot be written.
template <class Write>
bool write_file(const std::filesystem::path& path, Write&& write, std::ostream& err) {
  std::ofstream f(path, std::ios::binary);
  if (f) write(f);
  if (!f) {
    err << "wsspec: cannot write " << path.string() << "\n";
    return false;
  }
  return true;
}

// The whole set of reports in `dir`: results.json, index.html, junit.xml, and Autobahn's
// index.json with the per-case files it names. Prints where they are.
bool write_reports(const reports::report& rep, const std::string& dir, bool strict,
                   const std::string& junit_file, std::ostream& out, std::ostream& err) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path base(dir);
  bool ok =
      write_file(
          base / "results.json", [&](std::ostream& f) { reports::write_json(rep, f); }, err) &&
      write_file(
          base / "index.html", [&](std::ostream& f) { reports::write_html(rep, f); }, err) &&
      write_file(
          base / "junit.xml", [&](std::ostream& f) { reports::write_junit(rep, f, strict); },
          err) &&
      write_file(
          base / "index.json", [&](std::ostream& f) { reports::write_autobahn_index(rep, f); },
          err);
  std::size_t case_files = 0;
  for (const auto& a : rep.agents) {
    for (const auto& r : a.results) {
      if (!ok || r.autobahn.empty()) continue;
      ok = write_file(
          base / reports::autobahn_report_file(a.info.agent, r.autobahn),
          [&](std::ostream& f) { reports::write_autobahn_case(a, r, f); }, err);
      ++case_files;
    }
  }
  if (ok && !junit_file.empty())
    ok = write_file(
        junit_file, [&](std::ostream& f) { reports::write_junit(rep, f, strict); }, err);
  if (!ok) return false;
  out << "Reports in " << dir << ": results.json, index.html, junit.xml, index.json (Autobahn, "
      << case_files << " case files)\n";
  if (!junit_file.empty()) out << "JUnit XML: " << junit_file << "\n";
  return true;
}

void print_failure(std::ostream& out, const case_result& r) {
  out << "  " << r.id << (r.autobahn.empty() ? "" : " (Autobahn " + r.autobahn + ")") << ": "
      << harness::to_string(r.behavior) << " / " << harness::to_string(r.close) << "\n"
      << "    " << r.rfc << " §" << r.section << " " << harness::to_string(r.lvl) << ": "
      << r.requirement.substr(0, 160) << (r.requirement.size() > 160 ? "..." : "") << "\n"
      << "    expected: " << r.expected << "\n"
      << "    actual:   " << r.actual << "\n";
  for (const auto& f : r.reasons)
    out << "    - " << harness::to_string(f.level) << " " << f.code << ": " << f.text << "\n";
}

// The totals line of one agent.
void print_summary(std::ostream& out, const reports::agent_report& a) {
  const auto s = reports::summarize(a);
  out << "wsspec: " << (a.info.agent.empty() ? "" : a.info.agent + ": ") << s.total << " cases in "
      << a.info.wall_ms << " ms:";
  bool first = true;
  for (const auto& [word, n] : s.behavior) {
    out << (first ? " " : ", ") << n << " " << word;
    first = false;
  }
  out << "; " << (s.gate_failures ? std::to_string(s.gate_failures) : "no")
      << (a.info.strict ? " MUST/SHOULD" : " MUST") << " failures.\n";
}

// Reads an expectations file; false with a line on `err` when it is missing or malformed.
bool load_expectations(const std::string& path, reports::expectations& e, std::ostream& err) {
  std::ifstream f(path);
  if (!f) {
    err << "wsspec: cannot read expectations file " << path << "\n";
    return false;
  }
  try {
    e = reports::read_expectations(f);
  } catch (const std::exception& ex) {
    err << "wsspec: " << path << ": " << ex.what() << "\n";
    return false;
  }
  return true;
}

// Without expectations, no case may break the gate; with them, every result must be one the
// file allows (results better than allowed are reported and pass).
int gate_verdicts(const reports::agent_report& a, const reports::expectations* expect,
                  const std::string& expect_path, bool strict, std::ostream& out) {
  if (!expect) {
    std::size_t shown = 0;
    for (const auto& r : a.results) {
      if (!reports::is_gate_failure(r, strict)) continue;
      if (shown++ == 0) out << "\nFailures:\n";
      print_failure(out, r);
    }
    out << "\n";
    print_summary(out, a);
    return reports::exit_status(reports::summarize(a, strict));
  }
  const auto check = reports::check_expectations(a, *expect, strict);
  if (!check.regressions.empty()) {
    out << "\nNot allowed by " << expect_path << ":\n";
    for (const auto* r : check.regressions) {
      print_failure(out, *r);
      const auto it = expect->cases.find(r->id);
      if (it == expect->cases.end()) {
        out << "    (not in the expectations file)\n";
        continue;
      }
      out << "    allowed:";
      for (auto v : it->second.behavior) out << " " << harness::to_string(v);
      out << " /";
      for (auto v : it->second.close) out << " " << harness::to_string(v);
      out << "\n";
    }
  }
  if (!check.improvements.empty()) {
    out << "\nBetter than " << expect_path
        << " allows (refresh it with wsspec expect --from results.json):\n";
    for (const auto* r : check.improvements)
      out << "  " << r->id << ": now " << harness::to_string(r->behavior) << " / "
          << harness::to_string(r->close) << "\n";
  }
  out << "\n";
  print_summary(out, a);
  out << "wsspec: expectations " << expect_path << ": " << check.regressions.size()
      << " not allowed, " << check.improvements.size() << " improved";
  if (check.not_run) out << ", " << check.not_run << " listed cases not run";
  out << ".\n";
  return check.passed() ? exit_ok : exit_failed;
}

// The gate: without expectations, no case may break it; with them, every result must be one the
// file allows (results better than allowed are reported and pass). A case in ERROR makes the
// run a harness failure (exit 2): its verdict says nothing about the target.
int gate(const reports::agent_report& a, const reports::expectations* expect,
         const std::string& expect_path, bool strict, std::ostream& out) {
  const int rc = gate_verdicts(a, expect, expect_path, strict, out);
  // Cases in ERROR are a fault of wsspec itself, which no baseline excuses.
  if (const std::size_t n = reports::summarize(a, strict).errors) {
    out << "wsspec: " << n << (n == 1 ? " case" : " cases")
        << " ended in ERROR (a fault of wsspec, not of the target); their partial wire logs are "
           "in the report.\n";
    return exit_usage;
  }
  return rc;
}

int test_server(const test_options& o, std::ostream& out, std::ostream& err) {
  ref::ws_url url;
  std::string why;
  if (!ref::parse_ws_url(o.url, url, why)) {
    err << "wsspec: " << why << "\n";
    return exit_usage;
  }
  if (url.secure) {
    err << "wsspec: wss:// targets are not supported yet; test the server over ws://\n";
    return exit_usage;
  }
  harness::selection sel;
  sel.include = o.cases;
  sel.exclude = o.exclude;
  sel.target = ref::role::server;
  if (!o.shard.empty() && !parse_shard(o.shard, sel.shard_index, sel.shard_count)) {
    err << "wsspec: --shard takes I/N with 1 <= I <= N, e.g. 2/4\n";
    return exit_usage;
  }
  harness::catalogue from_file;
  if (!o.case_file.empty() && !load_case_file(o.case_file, from_file, err)) return exit_usage;
  const auto& cat = o.case_file.empty() ? harness::builtin_catalogue() : from_file;
  std::vector<std::string> unmatched;
  const auto selected = harness::select(cat.cases(), sel, unmatched);
  if (!unmatched.empty()) {
    err << "wsspec: no case matches '" << unmatched.front() << "' (see wsspec list)\n";
    return exit_usage;
  }
  if (selected.empty()) {
    err << "wsspec: the selection is empty\n";
    return exit_usage;
  }
  reports::expectations expect;
  if (!o.expect_file.empty() && !load_expectations(o.expect_file, expect, err)) return exit_usage;

  reports::report rep;
  rep.agents.emplace_back();
  if (const int rc = run_against(o, url, selected, rep.agents.front(), out, err); rc != exit_ok)
    return rc;
  out << "\n";
  if (!write_reports(rep, o.out_dir, o.strict, o.junit_file, out, err)) return exit_usage;
  return gate(rep.agents.front(), o.expect_file.empty() ? nullptr : &expect, o.expect_file,
              o.strict, out);
}

// ----- wsspec report, wsspec expect ----------------------------------------------------------

// Reads a results.json; false with a line on `err` when it is missing or malformed.
bool load_results(const std::string& path, reports::report& r, std::ostream& err) {
  std::ifstream f(path);
  if (!f) {
    err << "wsspec: cannot read " << path << "\n";
    return false;
  }
  try {
    r = reports::read_json(f);
  } catch (const std::exception& e) {
    err << "wsspec: " << path << ": " << e.what() << "\n";
    return false;
  }
  return true;
}

// Renders a saved results.json in one format, to `output` or (empty) to `out`.
int render(const std::string& format, const std::string& input, const std::string& output,
           bool strict, std::ostream& out, std::ostream& err) {
  reports::report rep;
  if (!load_results(input, rep, err)) return exit_usage;
  for (const auto& a : rep.agents) strict = strict || a.info.strict;
  const auto write = [&](std::ostream& to) {
    if (format == "html") reports::write_html(rep, to);
    if (format == "junit") reports::write_junit(rep, to, strict);
    if (format == "markdown") reports::write_markdown(rep, to);
  };
  if (output.empty()) {
    write(out);
    return exit_ok;
  }
  return write_file(output, write, err) ? exit_ok : exit_usage;
}

int merge_results(const std::vector<std::string>& inputs, const std::string& output,
                  std::ostream& out, std::ostream& err) {
  std::vector<reports::report> parts(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (!load_results(inputs[i], parts[i], err)) return exit_usage;
  std::vector<std::string> order;
  for (const auto& c : harness::builtin_catalogue().cases()) order.push_back(c.id);
  reports::report merged;
  try {
    merged = reports::merge(parts, order);
  } catch (const std::exception& e) {
    err << "wsspec: cannot merge: " << e.what() << "\n";
    return exit_usage;
  }
  if (!write_file(
          output, [&](std::ostream& f) { reports::write_json(merged, f); }, err))
    return exit_usage;
  std::size_t results = 0;
  for (const auto& a : merged.agents) results += a.results.size();
  out << "wsspec: merged " << inputs.size() << " files into " << output << " ("
      << merged.agents.size() << (merged.agents.size() == 1 ? " agent, " : " agents, ") << results
      << " results)\n";
  return exit_ok;
}

int write_baseline(const std::string& input, const std::string& output, const std::string& agent,
                   std::ostream& out, std::ostream& err) {
  reports::report rep;
  if (!load_results(input, rep, err)) return exit_usage;
  const reports::agent_report* chosen = nullptr;
  for (const auto& a : rep.agents)
    if (agent.empty() ? rep.agents.size() == 1 : a.info.agent == agent) chosen = &a;
  if (!chosen) {
    err << "wsspec: " << input << " holds " << rep.agents.size()
        << (agent.empty() ? " agents; choose one with --agent NAME\n"
                          : " agents, none named '" + agent + "'\n");
    return exit_usage;
  }
  const auto e = reports::expectations_from(*chosen);
  if (!write_file(
          output, [&](std::ostream& f) { reports::write_expectations(e, f); }, err))
    return exit_usage;
  out << "wsspec: wrote the verdicts of " << e.cases.size() << " cases of " << chosen->info.agent
      << " to " << output << " (pass it to --expect)\n";
  return exit_ok;
}

// ----- wsspec run: Autobahn spec files ---------------------------------------------------------

// Autobahn's case patterns (JUDGING.md §7): with a '*', a regular expression in which '.' is
// literal and '*' matches any run, matched from the start (`anchored`: over the whole text);
// without one, the exact text.
bool autobahn_match(std::string_view pattern, std::string_view text, bool anchored) {
  if (pattern.find('*') == std::string_view::npos) return pattern == text;
  std::size_t p = 0, t = 0, star = std::string_view::npos, back = 0;
  while (t < text.size()) {
    if (p == pattern.size() && !anchored) return true;
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      back = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++back;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// A case matches a pattern of the spec by its Autobahn number or by its wsspec id.
bool spec_selects(std::string_view pattern, const harness::case_def& c, bool anchored) {
  return (!c.autobahn.empty() && autobahn_match(pattern, c.autobahn, anchored)) ||
         autobahn_match(pattern, c.id, anchored);
}

// A list of strings from a spec; false with a line on `err` if `v` is not one.
bool string_list(const nlohmann::json& v, const std::string& what, std::vector<std::string>& into,
                 std::ostream& err) {
  if (!v.is_array() ||
      !std::all_of(v.begin(), v.end(), [](const auto& s) { return s.is_string(); })) {
    err << "wsspec: the spec's " << what << " must be a list of strings\n";
    return false;
  }
  into = v.get<std::vector<std::string>>();
  return true;
}

int run_spec(const std::string& path, test_options base, std::ostream& out, std::ostream& err) {
  std::ifstream f(path);
  if (!f) {
    err << "wsspec: cannot read " << path << "\n";
    return exit_usage;
  }
  nlohmann::json spec;
  try {
    spec = nlohmann::json::parse(f);
  } catch (const std::exception& e) {
    std::string what = e.what();
    if (const auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
    err << "wsspec: " << path << ": not JSON: " << what << "\n";
    return exit_usage;
  }
  if (!spec.is_object()) {
    err << "wsspec: " << path << ": an Autobahn spec is a JSON object\n";
    return exit_usage;
  }
  if (!spec.contains("servers")) {
    err << "wsspec: " << path
        << ": fuzzingserver specs (testing clients) are not supported yet; only fuzzingclient "
           "specs (with \"servers\") run\n";
    return exit_usage;
  }
  const auto& servers = spec["servers"];
  if (!servers.is_array() || servers.empty()) {
    err << "wsspec: " << path << ": \"servers\" must list at least one {\"agent\", \"url\"}\n";
    return exit_usage;
  }
  std::vector<std::string> cases{"*"}, exclude;
  if ((spec.contains("cases") && !string_list(spec["cases"], "\"cases\"", cases, err)) ||
      (spec.contains("exclude-cases") &&
       !string_list(spec["exclude-cases"], "\"exclude-cases\"", exclude, err)))
    return exit_usage;
  std::vector<std::pair<std::string, std::vector<std::string>>> agent_excludes;
  if (spec.contains("exclude-agent-cases")) {
    const auto& x = spec["exclude-agent-cases"];
    if (!x.is_object()) {
      err << "wsspec: the spec's \"exclude-agent-cases\" must map agent patterns to lists\n";
      return exit_usage;
    }
    for (const auto& [agent_pattern, list] : x.items()) {
      std::vector<std::string> patterns;
      if (!string_list(list, "\"exclude-agent-cases\" entry " + agent_pattern, patterns, err))
        return exit_usage;
      agent_excludes.emplace_back(agent_pattern, std::move(patterns));
    }
  }
  std::string outdir = "./reports/servers";
  if (spec.contains("outdir")) {
    if (!spec["outdir"].is_string()) {
      err << "wsspec: the spec's \"outdir\" must be a string\n";
      return exit_usage;
    }
    outdir = spec["outdir"].get<std::string>();
  }
  // Every server entry is checked before any runs.
  struct server {
    test_options o;
    ref::ws_url url;
  };
  std::vector<server> targets;
  for (const auto& s : servers) {
    if (!s.is_object() || !s.contains("url") || !s["url"].is_string() ||
        (s.contains("agent") && !s["agent"].is_string())) {
      err << "wsspec: " << path << ": each server needs a \"url\" string (and an \"agent\")\n";
      return exit_usage;
    }
    server t{base, {}};
    t.o.url = s["url"].get<std::string>();
    std::string why;
    if (!ref::parse_ws_url(t.o.url, t.url, why)) {
      err << "wsspec: " << path << ": " << why << "\n";
      return exit_usage;
    }
    if (t.url.secure) {
      err << "wsspec: " << path << ": wss:// targets are not supported yet (" << t.o.url << ")\n";
      return exit_usage;
    }
    t.o.agent = s.contains("agent") ? s["agent"].get<std::string>() : t.url.host_header();
    t.o.cases = cases;
    t.o.exclude = exclude;
    targets.push_back(std::move(t));
  }

  reports::report rep;
  int rc = exit_ok;
  for (auto& t : targets) {
    std::vector<const harness::case_def*> selected;
    for (const auto& c : harness::builtin_catalogue().cases()) {
      if (!harness::applies_to(c.roles, ref::role::server)) continue;
      const auto picks = [&](const std::string& p) { return spec_selects(p, c, false); };
      if (!std::any_of(cases.begin(), cases.end(), picks) ||
          std::any_of(exclude.begin(), exclude.end(), picks))
        continue;
      const bool agent_excluded =
          std::any_of(agent_excludes.begin(), agent_excludes.end(), [&](const auto& x) {
            return autobahn_match(x.first, t.o.agent, true) &&
                   std::any_of(x.second.begin(), x.second.end(),
                               [&](const std::string& p) { return spec_selects(p, c, true); });
          });
      if (!agent_excluded) selected.push_back(&c);
    }
    if (selected.empty()) {
      err << "wsspec: no case of the spec is left for " << t.o.agent << "\n";
      rc = exit_usage;
      continue;
    }
    out << "wsspec: " << t.o.agent << " at " << t.o.url << ": " << selected.size() << " cases\n";
    reports::agent_report a;
    if (run_against(t.o, t.url, selected, a, out, err) != exit_ok) {
      rc = exit_usage;
      continue;
    }
    rep.agents.push_back(std::move(a));
  }
  if (rep.agents.empty()) return exit_usage;
  out << "\n";
  if (!write_reports(rep, outdir, base.strict, "", out, err)) return exit_usage;
  // The worst status over the agents: a case in ERROR (2) over a gate failure (1).
  int status = exit_ok;
  for (const auto& a : rep.agents) {
    print_summary(out, a);
    status = std::max(status, reports::exit_status(reports::summarize(a)));
  }
  if (rc != exit_ok) return rc;
  return status;
}

int list_cases(const std::vector<std::string>& patterns, bool as_json, std::ostream& out,
               std::ostream& err) {
  harness::selection sel;
  sel.include = patterns;
  std::vector<std::string> unmatched;
  std::vector<const harness::case_def*> all;
  for (auto role : {ref::role::server, ref::role::client}) {
    sel.target = role;
    std::vector<std::string> miss;
    for (const auto* c : harness::select(harness::builtin_catalogue().cases(), sel, miss))
      if (std::find(all.begin(), all.end(), c) == all.end()) all.push_back(c);
  }
  if (all.empty() && !patterns.empty()) {
    err << "wsspec: no case matches '" << patterns.front() << "'\n";
    return exit_usage;
  }
  if (as_json) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto* c : all) a.push_back(harness::to_json(*c));
    out << a.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return exit_ok;
  }
  for (const auto* c : all)
    out << pad(c->autobahn.empty() ? "-" : c->autobahn, 9) << pad(harness::to_string(c->lvl), 7)
        << pad(harness::to_string(c->roles), 7) << c->id << "\n";
  out << all.size() << " cases\n";
  return exit_ok;
}

// ----- wsspec rules --------------------------------------------------------------------------

struct rules_options {
  std::string rfc;  // "6455", "7692" or empty for both
  bool json = false;
  bool markdown = false;
  bool uncovered = false;
};

// The normative sentences and the cases that check them. With --uncovered, exit 1 when a
// sentence binding servers has neither a case nor a reason.
int rules_report(const rules_options& o, std::ostream& out) {
  namespace rules = harness::rules;
  const auto t = rules::trace(rules::builtin_rules(), harness::builtin_catalogue());
  if (o.markdown) {
    rules::write_markdown(t, out);
    return exit_ok;
  }
  rules::view v;
  if (!o.rfc.empty()) v.rfc = "RFC " + o.rfc;
  v.uncovered_only = o.uncovered;
  if (o.json)
    rules::write_json(t, v, out);
  else
    rules::write_table(t, v, out);
  if (!o.uncovered) return exit_ok;
  for (const auto* s : rules::server_side_uncovered(t))
    if (v.rfc.empty() || s->rule.rfc == v.rfc) return exit_failed;
  return exit_ok;
}

}  // namespace

int run(int argc, char** argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"wsspec: WebSocket (RFC 6455, RFC 7692) conformance suite", "wsspec"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("wsspec ") + WSSPEC_VERSION);

  test_options topt;
  auto* ts = app.add_subcommand("test-server", "Run the catalogue against a WebSocket server");
  ts->add_option("url", topt.url, "The server's URL, e.g. ws://127.0.0.1:9001/")->required();
  ts->add_option("cases", topt.cases,
                 "Cases to run: ids, section prefixes (rfc6455/5.4), Autobahn numbers or globs "
                 "(6.4.*); default all");
  ts->add_option("--exclude", topt.exclude, "Cases to leave out (same patterns)");
  ts->add_option("--jobs,-j", topt.jobs, "Cases run at once (default 8)")
      ->check(CLI::Range(1, 256));
  ts->add_option("--out", topt.out_dir,
                 "Folder for results.json, index.html, junit.xml and Autobahn's index.json "
                 "(default wsspec-report)");
  ts->add_option("--junit", topt.junit_file, "Also write the JUnit XML to this file");
  ts->add_option("--expect", topt.expect_file,
                 "Pass when every result is one this file allows (see wsspec expect)");
  ts->add_option("--agent", topt.agent, "Name of the implementation under test");
  ts->add_option("--seed", topt.seed, "Seed for mask keys and handshake nonces (default 1)");
  ts->add_option("--timeout", topt.timeout_ms,
                 "How long to wait for the target's side of a closing handshake, ms (default 1000)")
      ->check(CLI::Range(10, 600000));
  ts->add_option("--slow", topt.slow, "Multiply every case's deadlines by this factor")
      ->check(CLI::Range(0.1, 100.0));
  ts->add_option("--shard", topt.shard, "Run only part I of N of the selection (I/N)");
  ts->add_option("--case-file", topt.case_file,
                 "Run the cases of this JSON file (the format wsspec list --json prints) instead "
                 "of the built-in catalogue");
  ts->add_flag("--strict", topt.strict, "SHOULD-level findings fail the run too");
  ts->add_flag("--quiet,-q", topt.quiet, "Print only failures and the summary");

  std::vector<std::string> list_patterns;
  auto* ls = app.add_subcommand("list", "List the catalogue");
  bool list_json = false;
  ls->add_option("cases", list_patterns, "Patterns as for test-server");
  ls->add_flag("--json", list_json, "Print the cases in the --case-file format");

  rules_options ropt;
  auto* ru =
      app.add_subcommand("rules", "The RFCs' normative sentences and the cases that check them");
  auto* ru_rfc = ru->add_option("--rfc", ropt.rfc, "Only the sentences of RFC 6455 or RFC 7692")
                     ->check(CLI::IsMember({"6455", "7692"}));
  auto* ru_json = ru->add_flag("--json", ropt.json, "Print the sentences as JSON");
  auto* ru_uncovered =
      ru->add_flag("--uncovered", ropt.uncovered,
                   "Only sentences with neither a case nor a reason, then the planned ones; exit "
                   "1 when one binds servers");
  ru->add_flag("--markdown", ropt.markdown, "Print docs/rules.md (every sentence)")
      ->excludes(ru_json)
      ->excludes(ru_uncovered)
      ->excludes(ru_rfc);

  std::string listen = "127.0.0.1:9001";
  bool no_deflate = false;
  std::uint64_t max_message = 64ull << 20;
  auto* es = app.add_subcommand("echo-server", "Run the reference echo server");
  es->add_option("--listen", listen, "Address and port to listen on (host:port)");
  es->add_flag("--no-deflate", no_deflate, "Decline permessage-deflate");
  es->add_option("--max-message", max_message, "Largest message accepted, in bytes")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));

  std::string report_input, report_output;
  std::vector<std::string> merge_inputs;
  bool report_strict = false;
  auto* rp = app.add_subcommand("report", "Render or merge saved results.json files");
  rp->require_subcommand(1);
  std::vector<CLI::App*> renderers;
  for (const char* format : {"html", "junit", "markdown"}) {
    auto* sub = rp->add_subcommand(format, std::string("Render RESULTS.json as ") + format);
    sub->add_option("results", report_input, "A results.json written by wsspec")->required();
    sub->add_option("-o,--output", report_output, "Output file (default: standard output)");
    if (std::string_view(format) == "junit")
      sub->add_flag("--strict", report_strict, "NON-STRICT results are failures too");
    renderers.push_back(sub);
  }
  auto* rm = rp->add_subcommand("merge", "Join results.json files of shards or runs into one");
  rm->add_option("results", merge_inputs, "results.json files")->required();
  rm->add_option("-o,--output", report_output, "The merged results.json")->required();

  std::string expect_from, expect_output, expect_agent;
  auto* ex = app.add_subcommand("expect", "Write a baseline of a run's verdicts for --expect");
  ex->add_option("--from", expect_from, "A results.json written by wsspec")->required();
  ex->add_option("-o,--output", expect_output, "The expectations file to write")->required();
  ex->add_option("--agent", expect_agent, "The agent to take, when the results hold several");

  std::string spec_file;
  test_options spec_options;
  auto* rs = app.add_subcommand("run", "Run an Autobahn fuzzingclient.json spec as it is");
  rs->add_option("spec", spec_file, "fuzzingclient.json (servers to test)")->required();
  rs->add_option("--jobs,-j", spec_options.jobs, "Cases run at once (default 8)")
      ->check(CLI::Range(1, 256));
  rs->add_flag("--strict", spec_options.strict, "SHOULD-level findings fail the run too");
  rs->add_flag("--quiet,-q", spec_options.quiet, "Print only failures and the summary");

  std::string url;
  std::string agent = "wsspec-reference";
  auto* ec = app.add_subcommand("echo-client", "Run the reference Autobahn testee client");
  ec->add_option("url", url, "Base URL of the fuzzing server, e.g. ws://127.0.0.1:9001")
      ->required();
  ec->add_option("--agent", agent, "Agent name reported to the server");
  ec->add_flag("--no-deflate", no_deflate, "Do not offer permessage-deflate");
  ec->add_option("--max-message", max_message, "Largest message accepted, in bytes")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return exit_ok;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return exit_ok;
  } catch (const CLI::CallForVersion&) {
    out << "wsspec " << WSSPEC_VERSION << "\n";
    return exit_ok;
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    if (const auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
    err << "wsspec: " << what << " (see wsspec --help)\n";
    return exit_usage;
  }

  if (*ts) return test_server(topt, out, err);
  if (*ls) return list_cases(list_patterns, list_json, out, err);
  if (*ru) return rules_report(ropt, out);
  for (auto* sub : renderers)
    if (*sub) return render(sub->get_name(), report_input, report_output, report_strict, out, err);
  if (*rm) return merge_results(merge_inputs, report_output, out, err);
  if (*ex) return write_baseline(expect_from, expect_output, expect_agent, out, err);
  if (*rs) return run_spec(spec_file, spec_options, out, err);
  if (*es) {
    ref::asio::echo_server_options options;
    if (!parse_listen(listen, options.host, options.port)) {
      err << "wsspec: --listen takes host:port, e.g. 127.0.0.1:9001\n";
      return exit_usage;
    }
    options.deflate = !no_deflate;
    options.max_message_size = max_message;
    return ref::asio::run_echo_server(options, [&](std::uint16_t port) {
      out << "wsspec echo-server listening on ws://" << options.host << ":" << port << "/"
          << std::endl;
    });
  }
  if (*ec) {
    ref::asio::echo_client_options options;
    options.url = url;
    options.agent = agent;
    options.deflate = !no_deflate;
    options.max_message_size = max_message;
    return ref::asio::run_echo_client(options);
  }
  return exit_usage;
}

}  // namespace wsspec::cli
