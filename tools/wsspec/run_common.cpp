#include "run_common.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iomanip>
#include <sstream>

#include "wsspec/harness/case_json.hpp"
#include "wsspec/harness/selector.hpp"
#include "wsspec/reports/autobahn_index.hpp"
#include "wsspec/reports/html.hpp"
#include "wsspec/reports/json.hpp"
#include "wsspec/reports/junit.hpp"

namespace wsspec::cli {

using harness::case_result;

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

namespace {

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

}  // namespace

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

bool make_client_tls(const std::string& ca, bool insecure, const std::string& cert,
                     const std::string& key, std::shared_ptr<ref::asio::tls_context>& into,
                     std::ostream& err) {
  try {
    into = ref::asio::make_client_context(
        {.ca_file = ca, .insecure = insecure, .cert_file = cert, .key_file = key});
  } catch (const std::exception& e) {
    err << "wsspec: " << e.what() << "\n";
    return false;
  }
  return true;
}

bool select_cases(const test_options& o, ref::role role, harness::catalogue& from_file,
                  std::vector<const harness::case_def*>& selected, std::ostream& err) {
  harness::selection sel;
  sel.include = o.cases;
  sel.exclude = o.exclude;
  sel.target = role;
  if (!o.shard.empty() && !parse_shard(o.shard, sel.shard_index, sel.shard_count)) {
    err << "wsspec: --shard takes I/N with 1 <= I <= N, e.g. 2/4\n";
    return false;
  }
  if (!o.case_file.empty() && !load_case_file(o.case_file, from_file, err)) return false;
  const auto& cat = o.case_file.empty() ? harness::builtin_catalogue() : from_file;
  std::vector<std::string> unmatched;
  selected = harness::select(cat.cases(), sel, unmatched);
  if (!unmatched.empty()) {
    err << "wsspec: no " << (role == ref::role::client ? "client " : "") << "case matches '"
        << unmatched.front() << "' (see wsspec list)\n";
    return false;
  }
  if (selected.empty()) {
    err << "wsspec: the selection is empty\n";
    return false;
  }
  return true;
}

bool spec_selection::selects(const harness::case_def& c) const {
  const auto picks = [&](const std::string& p) { return spec_selects(p, c, false); };
  return std::any_of(cases.begin(), cases.end(), picks) &&
         !std::any_of(exclude.begin(), exclude.end(), picks);
}

bool spec_selection::excluded_for(const std::string& agent, const harness::case_def& c) const {
  return std::any_of(agent_excludes.begin(), agent_excludes.end(), [&](const auto& x) {
    return autobahn_match(x.first, agent, true) &&
           std::any_of(x.second.begin(), x.second.end(),
                       [&](const std::string& p) { return spec_selects(p, c, true); });
  });
}

bool read_spec_selection(const nlohmann::json& spec, std::string default_outdir,
                         spec_selection& into, std::ostream& err) {
  if ((spec.contains("cases") && !string_list(spec["cases"], "\"cases\"", into.cases, err)) ||
      (spec.contains("exclude-cases") &&
       !string_list(spec["exclude-cases"], "\"exclude-cases\"", into.exclude, err)))
    return false;
  if (spec.contains("exclude-agent-cases")) {
    const auto& x = spec["exclude-agent-cases"];
    if (!x.is_object()) {
      err << "wsspec: the spec's \"exclude-agent-cases\" must map agent patterns to lists\n";
      return false;
    }
    for (const auto& [agent_pattern, list] : x.items()) {
      std::vector<std::string> patterns;
      if (!string_list(list, "\"exclude-agent-cases\" entry " + agent_pattern, patterns, err))
        return false;
      into.agent_excludes.emplace_back(agent_pattern, std::move(patterns));
    }
  }
  into.outdir = std::move(default_outdir);
  if (spec.contains("outdir")) {
    if (!spec["outdir"].is_string()) {
      err << "wsspec: the spec's \"outdir\" must be a string\n";
      return false;
    }
    into.outdir = spec["outdir"].get<std::string>();
  }
  return true;
}

}  // namespace wsspec::cli
