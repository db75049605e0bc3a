// Reading the sentence and coverage tables, and the RFC texts, of cases/rules/.
#include <regex>
#include <stdexcept>

#include "rules_data.hpp"
#include "wsspec/harness/rules.hpp"

namespace wsspec::harness::rules {

namespace {

std::vector<std::string> split(std::string_view line, char sep) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = line.find(sep, start);
    fields.emplace_back(line.substr(start, end - start));
    if (end == std::string_view::npos) return fields;
    start = end + 1;
  }
}

// Every line of a text, without its line break, with its number.
template <class Line>
void for_each_raw_line(std::string_view text, Line&& each) {
  std::size_t number = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    each(line, ++number);
  }
}

// The rows of a table: lines other than comments ('#' first) and blank lines.
template <class Row>
void for_each_row(std::string_view tsv, Row&& row) {
  for_each_raw_line(tsv, [&](std::string_view line, std::size_t number) {
    if (!line.empty() && line.front() != '#') row(line, number);
  });
}

[[noreturn]] void bad_line(std::size_t number, const std::string& why) {
  throw std::runtime_error("line " + std::to_string(number) + ": " + why);
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool page_footer(std::string_view line) {
  return line.find("[Page ") != std::string_view::npos && line.ends_with("]");
}

bool page_header(std::string_view line) {
  return line.starts_with("RFC ") && line.find("   ") != std::string_view::npos &&
         line.size() > 4 && line[line.size() - 1] >= '0' && line[line.size() - 1] <= '9';
}

}  // namespace

std::string normalize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_space(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    // U+2018, U+2019 (single), U+201C, U+201D (double quotes) and U+2026 (ellipsis) in UTF-8.
    if (c == '\xe2' && i + 2 < text.size() && text[i + 1] == '\x80') {
      const char third = text[i + 2];
      if (third == '\x98' || third == '\x99' || third == '\x9c' || third == '\x9d' ||
          third == '\xa6') {
        out += third == '\xa6' ? "..." : (third == '\x9c' || third == '\x9d') ? "\"" : "'";
        i += 2;
        continue;
      }
    }
    out += c;
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string fold_rfc_text(std::string_view rfc) {
  std::string joined;
  bool hyphen_pending = false;
  for_each_raw_line(rfc, [&](std::string_view line, std::size_t) {
    std::string clean;
    for (char c : line)
      if (c != '\f') clean += c;
    while (!clean.empty() && is_space(clean.back())) clean.pop_back();
    if (page_footer(clean) || page_header(clean)) return;
    std::size_t lead = 0;
    while (lead < clean.size() && is_space(clean[lead])) ++lead;
    if (lead == clean.size()) {
      hyphen_pending = false;
      joined += ' ';
      return;
    }
    if (!hyphen_pending) joined += ' ';
    joined.append(clean, lead);
    // A compound broken after its hyphen ("client-" / "side") is one word again.
    hyphen_pending = clean.size() >= 2 && clean.back() == '-' && is_alnum(clean[clean.size() - 2]);
  });
  return normalize(joined);
}

std::vector<sentence> parse_sentences(std::string_view tsv) {
  static const std::regex id_form(R"((\d{4})/(\d+(?:\.\d+)*)#[1-9]\d*)");
  std::vector<sentence> out;
  bool header = true;
  for_each_row(tsv, [&](std::string_view line, std::size_t number) {
    if (header) {
      if (line != "id\trfc\tsection\tlevel\tside\ttext")
        bad_line(number, "the header must be: id, rfc, section, level, side, text");
      header = false;
      return;
    }
    const auto f = split(line, '\t');
    if (f.size() != 6) bad_line(number, "6 tab-separated fields expected");
    sentence s;
    s.id = f[0];
    s.rfc = f[1];
    s.section = f[2];
    std::smatch m;
    if (!std::regex_match(s.id, m, id_form) || "RFC " + m[1].str() != s.rfc ||
        m[2].str() != s.section)
      bad_line(number, "the id '" + s.id + "' must read RFC/section#n, as its rfc and section");
    if (f[3] == "MUST")
      s.lvl = level::must;
    else if (f[3] == "SHOULD")
      s.lvl = level::should;
    else
      bad_line(number, "the level must be MUST or SHOULD, not '" + f[3] + "'");
    if (f[4] == "server")
      s.binds = side::server;
    else if (f[4] == "client")
      s.binds = side::client;
    else if (f[4] == "both")
      s.binds = side::both;
    else if (f[4] == "none")
      s.binds = side::none;
    else
      bad_line(number, "the side must be server, client, both or none, not '" + f[4] + "'");
    s.text = normalize(f[5]);
    if (s.text.empty()) bad_line(number, "no sentence text");
    out.push_back(std::move(s));
  });
  if (header) throw std::runtime_error("the sentence table has no header line");
  return out;
}

std::vector<coverage_entry> parse_coverage(std::string_view tsv) {
  std::vector<coverage_entry> out;
  for_each_row(tsv, [&](std::string_view line, std::size_t number) {
    const auto f = split(line, '\t');
    if (f.size() != 3) bad_line(number, "3 tab-separated fields expected: id, cases, reason");
    coverage_entry e;
    e.id = f[0];
    for (auto& p : split(f[1], ' '))
      if (!p.empty()) e.cases.push_back(std::move(p));
    e.reason = normalize(f[2]);
    if (e.id.empty()) bad_line(number, "no sentence id");
    if (e.cases.empty() && e.reason.empty())
      bad_line(number, e.id + ": neither cases nor a reason");
    out.push_back(std::move(e));
  });
  return out;
}

const rulebook& builtin_rules() {
  static const rulebook book = [] {
    rulebook b;
    b.sentences = parse_sentences(data::rfc6455_sentences());
    auto more = parse_sentences(data::rfc7692_sentences());
    b.sentences.insert(b.sentences.end(), more.begin(), more.end());
    b.coverage = parse_coverage(data::coverage());
    b.texts.push_back({"RFC 6455", fold_rfc_text(data::rfc6455_text())});
    b.texts.push_back({"RFC 7692", fold_rfc_text(data::rfc7692_text())});
    return b;
  }();
  return book;
}

}  // namespace wsspec::harness::rules
