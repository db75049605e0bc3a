// The traced sentences for people and programs: a terminal table, JSON, and docs/rules.md.
#include <array>
#include <nlohmann/json.hpp>

#include "wsspec/harness/rules.hpp"

namespace wsspec::harness::rules {

namespace {

// Cases named in a Markdown row before the rest are counted.
constexpr std::size_t shown_cases = 4;
// Columns of the terminal table.
constexpr std::size_t terminal_width = 100;

std::string shorten(std::string_view s, std::size_t width) {
  if (s.size() <= width) return std::string(s);
  return std::string(s.substr(0, width - 3)) + "...";
}

std::string pad(std::string_view s, std::size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

bool shown(const traced& t, const view& v) {
  return v.rfc.empty() || t.rule.rfc == v.rfc;
}

// Counts by status, of the sentences of the view.
std::array<std::size_t, 4> tally(const trace_result& t, const view& v) {
  std::array<std::size_t, 4> counts{};
  for (const auto& s : t.sentences)
    if (shown(s, v)) ++counts[static_cast<std::size_t>(s.state)];
  return counts;
}

void write_row(const traced& t, std::ostream& out) {
  std::string what;
  if (t.cases.empty()) {
    what = t.reason.empty() ? "-" : t.reason;
  } else {
    what = t.cases.front();
    if (t.cases.size() > 1) what += " and " + std::to_string(t.cases.size() - 1) + " more";
  }
  const std::string head = pad(t.rule.id, 16) + pad(to_string(t.rule.lvl), 8) +
                           pad(to_string(t.rule.binds), 8) + pad(to_string(t.state), 11);
  out << head << shorten(what, terminal_width - head.size()) << "\n"
      << "    " << shorten(t.rule.text, terminal_width - 4) << "\n";
}

std::string cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|' || c == '*' || c == '_' || c == '<' || c == '`') out += '\\';
    out += c;
  }
  return out;
}

std::string cases_or_reason(const traced& t) {
  if (t.cases.empty()) return cell(t.reason);
  std::string out;
  for (std::size_t i = 0; i < t.cases.size() && i < shown_cases; ++i)
    out += (i ? ", `" : "`") + t.cases[i] + "`";
  if (t.cases.size() > shown_cases)
    out += " and " + std::to_string(t.cases.size() - shown_cases) + " more";
  return out;
}

}  // namespace

void write_table(const trace_result& t, const view& v, std::ostream& out) {
  std::vector<const traced*> planned;
  std::size_t listed = 0;
  for (const auto& s : t.sentences) {
    if (!shown(s, v)) continue;
    if (v.uncovered_only && s.state == status::planned) planned.push_back(&s);
    if (v.uncovered_only && s.state != status::uncovered) continue;
    write_row(s, out);
    ++listed;
  }
  if (v.uncovered_only && listed == 0) out << "No sentence is uncovered.\n";
  if (!planned.empty()) {
    out << "\nPlanned (" << planned.size() << "):\n";
    for (const auto* s : planned) write_row(*s, out);
  }
  if (!t.problems.empty()) {
    out << "\nProblems:\n";
    for (const auto& p : t.problems) out << "  " << p << "\n";
  }
  const auto counts = tally(t, v);
  out << "\nwsspec: " << counts[0] + counts[1] + counts[2] + counts[3]
      << " sentences: " << counts[0] << " covered, " << counts[1] << " with a reason, " << counts[2]
      << " planned, " << counts[3] << " uncovered";
  std::size_t gate = 0;
  for (const auto* s : server_side_uncovered(t)) gate += shown(*s, v) ? 1 : 0;
  out << " (" << gate << " binding servers); " << t.problems.size()
      << (t.problems.size() == 1 ? " problem.\n" : " problems.\n");
}

void write_json(const trace_result& t, const view& v, std::ostream& out) {
  using nlohmann::json;
  json sentences = json::array();
  for (const auto& s : t.sentences) {
    if (!shown(s, v)) continue;
    if (v.uncovered_only && s.state != status::uncovered && s.state != status::planned) continue;
    json j = {{"id", s.rule.id},
              {"rfc", s.rule.rfc},
              {"section", s.rule.section},
              {"level", to_string(s.rule.lvl)},
              {"side", to_string(s.rule.binds)},
              {"status", to_string(s.state)},
              {"cases", s.cases},
              {"text", s.rule.text}};
    if (!s.reason.empty()) j["reason"] = s.reason;
    sentences.push_back(std::move(j));
  }
  const auto counts = tally(t, v);
  json summary = json::object();
  for (std::size_t i = 0; i < counts.size(); ++i)
    summary[std::string(to_string(static_cast<status>(i)))] = counts[i];
  const json doc = {{"sentences", sentences}, {"summary", summary}, {"problems", t.problems}};
  out << doc.dump(1, ' ', false, json::error_handler_t::replace) << "\n";
}

void write_markdown(const trace_result& t, std::ostream& out) {
  out << "# Normative sentences and the cases that check them\n\n"
         "Every sentence of RFC 6455 (sections 1.3 to 11) and RFC 7692 (sections 5 to 8) that "
         "holds MUST, MUST NOT, REQUIRED, SHALL, SHALL NOT, SHOULD, SHOULD NOT, RECOMMENDED or "
         "NOT RECOMMENDED, with the cases that check it. A sentence with several key words takes "
         "the strongest. *Side* is the implementation the sentence binds (*none*: IANA, "
         "extension authors, intermediaries).\n\n"
         "- **covered**: cases check it; a case covers a sentence when its quoted requirement "
         "holds the sentence or 40 characters of it in a row, or when `cases/rules/coverage.tsv` "
         "names the case;\n"
         "- **reason**: no case on the wire can check it, for the reason given;\n"
         "- **planned**: a case can check it and will (client-side cases, RFC 7692, and the "
         "server-side cases of `cases/rules/MISSING.md`);\n"
         "- **uncovered**: neither, which `wsspec rules --uncovered` refuses for sentences "
         "binding servers.\n\n"
         "A case's quote is read in runs of RFC text: `[...]` elides, `(§5.6)` starts a run from "
         "another section of the case's RFC, `RFC 9110 §5.4:` one from another RFC (not checked "
         "here), and `(RFC 6455 §4.1)` ends a run taken from the RFC it names. Every run from RFC "
         "6455 or RFC 7692 must be text of that RFC, whitespace aside.\n\n"
         "Generated by `wsspec rules --markdown` (see `tools/rules/gen_docs.sh`); do not edit.\n";

  for (const char* rfc : {"RFC 6455", "RFC 7692"}) {
    std::array<std::size_t, 4> counts{};
    std::size_t total = 0;
    for (const auto& s : t.sentences) {
      if (s.rule.rfc != rfc) continue;
      ++counts[static_cast<std::size_t>(s.state)];
      ++total;
    }
    out << "\n## " << rfc << "\n\n"
        << total << " sentences: " << counts[0] << " covered, " << counts[1] << " with a reason, "
        << counts[2] << " planned, " << counts[3] << " uncovered.\n\n"
        << "| Sentence | Level | Side | Status | Cases or reason | Text |\n"
        << "|---|---|---|---|---|---|\n";
    for (const auto& s : t.sentences) {
      if (s.rule.rfc != rfc) continue;
      out << "| " << s.rule.id << " | " << to_string(s.rule.lvl) << " | " << to_string(s.rule.binds)
          << " | " << to_string(s.state) << " | " << cases_or_reason(s) << " | "
          << cell(s.rule.text) << " |\n";
    }
  }
}

}  // namespace wsspec::harness::rules
