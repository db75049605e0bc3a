#include "wsspec/reports/junit.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "wsspec/reports/text.hpp"

namespace wsspec::reports {

namespace {

using namespace harness;

constexpr std::size_t message_cap = 300;  // bytes of a failure's one-line message
constexpr std::size_t body_cap = 2048;    // bytes of each text in a failure's body

enum class outcome { passed, failed, error, skipped };

outcome outcome_of(const case_result& r, bool strict) {
  if (is_error(r)) return outcome::error;
  if (is_gate_failure(r, strict)) return outcome::failed;
  if (r.behavior == verdict::unimplemented) return outcome::skipped;
  return outcome::passed;
}

// A name part made of [A-Za-z0-9_-] only, so the dotted classname keeps its three levels.
std::string name_part(std::string_view s, bool lower) {
  std::string out;
  for (char c : s) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum || c == '-' || c == '_')
      out += lower && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    else if (c == '.')
      out += '_';
    else if (!lower && !out.empty() && out.back() != '_')
      out += '_';
  }
  return out.empty() ? "unnamed" : out;
}

// "wsspec.<agent>.rfc6455.5_4"
std::string classname(const run_info& info, const case_result& r) {
  return "wsspec." + name_part(info.agent, false) + "." + name_part(r.rfc, true) + "." +
         name_part(r.section, true);
}

std::string seconds(micros d) {
  const auto us = d.count() < 0 ? 0 : d.count();
  std::string frac = std::to_string(us % 1000000 / 1000);
  frac.insert(0, 3 - frac.size(), '0');
  return std::to_string(us / 1000000) + "." + frac;
}

std::string attr(std::string_view s, std::size_t cap = body_cap) {
  return text::xml(text::clip(text::visible(s, true), cap), true);
}
std::string content(std::string_view s, std::size_t cap = body_cap) {
  return text::xml(text::clip(text::visible(s, true), cap));
}

std::string message(const case_result& r) {
  const std::string& first = r.reasons.empty() ? r.actual : r.reasons.front().text;
  return std::string(to_string(r.behavior)) + " (close " + std::string(to_string(r.close)) +
         "): " + first;
}

void body(std::ostream& out, const case_result& r) {
  out << content(r.rfc) << " §" << content(r.section) << " " << to_string(r.lvl) << ": \""
      << content(r.requirement) << "\"\n";
  if (!r.autobahn.empty()) out << "Autobahn case: " << content(r.autobahn) << "\n";
  out << "verdict: " << to_string(r.behavior) << ", close: " << to_string(r.close) << "\n"
      << "expected: " << content(r.expected) << "\n"
      << "actual: " << content(r.actual) << "\n";
  if (r.remote_close_code) {
    out << "the target's Close code: " << *r.remote_close_code;
    if (!r.remote_close_reason.empty())
      out << ", reason \"" << content(r.remote_close_reason, 256) << "\"";
    out << "\n";
  }
  if (!r.reasons.empty()) out << "findings:\n";
  for (const auto& f : r.reasons)
    out << "- " << to_string(f.level) << " " << content(f.code, 200) << ": " << content(f.text)
        << "\n";
}

struct suite {
  std::string name;
  const run_info* info = nullptr;
  std::vector<const case_result*> cases;
};

}  // namespace

void write_junit(const report& r, std::ostream& out, bool strict) {
  const text::classic_numbers numbers(out);
  // Suites in order of first appearance: one per agent and RFC section.
  std::vector<suite> suites;
  for (const auto& a : r.agents) {
    const std::size_t first = suites.size();
    for (const auto& res : a.results) {
      const std::string name = classname(a.info, res);
      std::size_t s = first;
      while (s < suites.size() && suites[s].name != name) ++s;
      if (s == suites.size()) suites.push_back({name, &a.info, {}});
      suites[s].cases.push_back(&res);
    }
  }
  std::size_t tests = 0, failures = 0, errors = 0;
  micros total{0};
  for (const auto& s : suites) {
    for (const auto* c : s.cases) {
      ++tests;
      total += c->duration;
      const outcome o = outcome_of(*c, strict);
      failures += o == outcome::failed;
      errors += o == outcome::error;
    }
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"wsspec\" tests=\"" << tests
      << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" time=\"" << seconds(total)
      << "\">\n";
  for (const auto& s : suites) {
    std::size_t f = 0, e = 0, sk = 0;
    micros t{0};
    for (const auto* c : s.cases) {
      const outcome o = outcome_of(*c, strict);
      f += o == outcome::failed;
      e += o == outcome::error;
      sk += o == outcome::skipped;
      t += c->duration;
    }
    out << "  <testsuite name=\"" << attr(s.name) << "\" tests=\"" << s.cases.size()
        << "\" failures=\"" << f << "\" errors=\"" << e << "\" skipped=\"" << sk << "\" time=\""
        << seconds(t) << "\">\n    <properties>\n";
    const auto property = [&](std::string_view name, std::string_view value) {
      out << "      <property name=\"" << name << "\" value=\"" << attr(value) << "\"/>\n";
    };
    property("agent", s.info->agent);
    property("target", s.info->target);
    property("role", s.info->role);
    property("seed", std::to_string(s.info->seed));
    property("tool_version", s.info->tool_version);
    property("started", s.info->started);
    property("strict", strict ? "true" : "false");
    out << "    </properties>\n";
    for (const auto* c : s.cases) {
      std::string name = c->id;
      if (!c->autobahn.empty()) name += " (Autobahn " + c->autobahn + ")";
      out << "    <testcase name=\"" << attr(name) << "\" classname=\"" << attr(s.name)
          << "\" time=\"" << seconds(c->duration) << "\"";
      switch (outcome_of(*c, strict)) {
        case outcome::passed:
          out << "/>\n";
          continue;
        case outcome::skipped:
          out << ">\n      <skipped message=\"" << attr(message(*c), message_cap) << "\"/>\n";
          break;
        case outcome::failed:
          out << ">\n      <failure message=\"" << attr(message(*c), message_cap) << "\" type=\""
              << to_string(c->behavior) << "\">";
          body(out, *c);
          out << "</failure>\n";
          break;
        case outcome::error:
          out << ">\n      <error message=\"" << attr(message(*c), message_cap)
              << "\" type=\"ERROR\">";
          body(out, *c);
          out << "</error>\n";
          break;
      }
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace wsspec::reports
