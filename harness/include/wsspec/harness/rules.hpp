// The normative sentences of RFC 6455 and RFC 7692 and the cases that check them. Every sentence
// with MUST, SHOULD (and their synonyms) is either covered by cases, or has a one-line reason why
// no wire-level case can check it ("planned: ..." when one will). A case covers a sentence when
// its quoted requirement contains the sentence or a substantial fragment of it, or when the
// coverage table names the case for the sentence. Every quote of a case must be RFC text.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/harness/catalogue.hpp"

namespace wsspec::harness::rules {

// Which implementation a sentence binds: "none" is for IANA, extension authors, intermediaries.
enum class side : std::uint8_t { server, client, both, none };
enum class status : std::uint8_t { covered, reason, planned, uncovered };

struct sentence {
  std::string id;       // "6455/5.2#3": the third normative sentence of RFC 6455 section 5.2
  std::string rfc;      // "RFC 6455"
  std::string section;  // "5.2"
  level lvl = level::must;
  side binds = side::both;
  std::string text;
};

// A hand-written line of the coverage table: cases that check the sentence without quoting it
// (patterns as for `wsspec list`), or the reason no case can.
struct coverage_entry {
  std::string id;
  std::vector<std::string> cases;
  std::string reason;
};

// One RFC's text, whose quotes cases may take even where it is not normative.
struct rfc_text {
  std::string rfc;   // "RFC 6455"
  std::string body;  // without page breaks, whitespace folded (see fold_rfc_text)
};

struct rulebook {
  std::vector<sentence> sentences;
  std::vector<coverage_entry> coverage;
  std::vector<rfc_text> texts;
};

// The tables of cases/rules/ and the RFC texts, embedded at build time.
const rulebook& builtin_rules();

// Parsers of the tab-separated tables; a malformed line throws std::runtime_error naming it.
std::vector<sentence> parse_sentences(std::string_view tsv);
std::vector<coverage_entry> parse_coverage(std::string_view tsv);
// An RFC's plain text without form feeds, page headers and footers, hyphenated line ends joined
// and every run of whitespace one space.
std::string fold_rfc_text(std::string_view rfc);
// Whitespace folded to single spaces, typographic quotes to plain ones.
std::string normalize(std::string_view text);

// A sentence and what checks it.
struct traced {
  sentence rule;
  status state = status::uncovered;
  std::vector<std::string> cases;  // covering case ids, in catalogue order
  std::string reason;              // from the coverage table
};

struct trace_result {
  std::vector<traced> sentences;
  // What makes the tables or the catalogue wrong: a quote that is not RFC text, a coverage line
  // naming an unknown sentence or a pattern no case matches, a reason on a covered sentence.
  std::vector<std::string> problems;
};

trace_result trace(const rulebook& book, const catalogue& cat);

// Sentences that bind servers (server or both) and have neither a case nor a reason: the gate.
std::vector<const traced*> server_side_uncovered(const trace_result& t);

std::string_view to_string(side s) noexcept;
std::string_view to_string(status s) noexcept;

// Which sentences a rendering shows.
struct view {
  std::string rfc;              // "RFC 6455", "RFC 7692", or empty for both
  bool uncovered_only = false;  // the uncovered sentences, then the planned ones
};

// A table for the terminal: per sentence a line of id, level, side, status and cases (or the
// reason), and a line of its text, shortened; then the problems and the totals.
void write_table(const trace_result& t, const view& v, std::ostream& out);
// {"sentences": [...], "summary": {status: count}, "problems": [...]}
void write_json(const trace_result& t, const view& v, std::ostream& out);
// docs/rules.md: every sentence with its status and cases or reason.
void write_markdown(const trace_result& t, std::ostream& out);

}  // namespace wsspec::harness::rules
