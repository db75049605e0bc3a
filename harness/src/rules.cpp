// Tracing sentences to cases: which quotes cover which sentence, and what is wrong with either.
#include "wsspec/harness/rules.hpp"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "wsspec/harness/selector.hpp"

namespace wsspec::harness::rules {

namespace {

// A quote shares at least this many characters with a sentence it covers (or all of a shorter
// sentence).
constexpr std::size_t substantial = 40;

constexpr std::string_view elision = "[...]";
constexpr std::string_view planned_prefix = "planned:";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '.' || s.back() == ':' || s.back() == ';'))
    s.remove_suffix(1);
  return s;
}

// A run of quoted text and the RFC it is taken from.
struct quoted_run {
  std::string rfc;
  std::string text;
};

// The runs of RFC text in a case's quote. Runs end at "[...]" elisions and at source marks:
// "(§5.6) " opens a run from another section of the case's RFC, "RFC 9110 §5.4: " (also in
// parentheses, and with a field name such as "/version/" before the colon) one from the RFC
// named, which lasts until the next mark; "(RFC 6455 §4.1)" closes a run taken from that RFC.
std::vector<quoted_run> quoted_runs(std::string_view requirement, const std::string& case_rfc) {
  static const std::regex mark(
      R"(\(§\d+(?:\.\d+)*\))"                              // (§5.6)
      R"(|\(RFC (\d{4}) §\d+(?:\.\d+)*\))"                 // (RFC 6455 §4.1)
      R"(|(\()?RFC (\d{4}) §\d+(?:\.\d+)*(?: /[^/]+/)?:)"  // RFC 9110 §5.4:
      R"(|\[\.\.\.\])");                                   // [...]
  const std::string q = normalize(requirement);
  std::vector<quoted_run> out;
  std::string source = case_rfc;
  bool in_parentheses = false;
  const auto close = [&](std::string_view text, const std::string& rfc) {
    if (in_parentheses && text.ends_with(")")) text.remove_suffix(1);
    text = trim(text);
    if (!text.empty()) out.push_back({rfc, std::string(text)});
  };
  std::size_t from = 0;
  for (std::sregex_iterator it(q.begin(), q.end(), mark), end; it != end; ++it) {
    const auto& m = *it;
    const std::string_view before = std::string_view(q).substr(from, m.position() - from);
    from = m.position() + m.length();
    if (m[1].matched) {  // "(RFC 6455 §4.1)": the run before is from that RFC
      close(before, "RFC " + m[1].str());
      source = case_rfc;
      in_parentheses = false;
    } else if (m[3].matched) {  // "RFC 9110 §5.4:" opens a run from that RFC
      close(before, source);
      source = "RFC " + m[3].str();
      in_parentheses = m[2].matched;
    } else if (m.str() == elision) {
      close(before, source);
    } else {  // "(§5.6)": the case's own RFC
      close(before, source);
      source = case_rfc;
      in_parentheses = false;
    }
  }
  close(std::string_view(q).substr(from), source);
  return out;
}

std::size_t common_prefix(std::string_view a, std::string_view b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

// How many characters of `inner` line up with `outer` where `inner` starts inside `outer`:
// all of `inner` when it lies within, or the part up to the end of `outer` when it runs past.
std::size_t overlap_from(std::string_view outer, std::string_view inner) {
  const std::string_view head = inner.substr(0, std::min(inner.size(), substantial));
  std::size_t best = 0;
  for (std::size_t at = outer.find(head); at != std::string_view::npos;
       at = outer.find(head, at + 1)) {
    const std::size_t n = common_prefix(outer.substr(at), inner);
    if (n == inner.size() || at + n == outer.size()) best = std::max(best, n);
  }
  return best;
}

// True when a quoted fragment holds the sentence, or a substantial run of it.
bool covers(std::string_view fragment, std::string_view sentence) {
  sentence = trim(sentence);
  const std::size_t needed = std::min(sentence.size(), substantial);
  return overlap_from(fragment, sentence) >= needed || overlap_from(sentence, fragment) >= needed;
}

// The length of the longest start of `quote` that is somewhere in `body`.
std::size_t agreeing_prefix(std::string_view body, std::string_view quote) {
  std::size_t found = 0, missing = quote.size() + 1;
  while (missing - found > 1) {
    const std::size_t mid = found + (missing - found) / 2;
    if (body.find(quote.substr(0, mid)) != std::string_view::npos)
      found = mid;
    else
      missing = mid;
  }
  return found;
}

const rfc_text* text_of(const rulebook& book, const std::string& rfc) {
  for (const auto& t : book.texts)
    if (t.rfc == rfc) return &t;
  return nullptr;
}

bool binds_server(side s) {
  return s == side::server || s == side::both;
}

}  // namespace

trace_result trace(const rulebook& book, const catalogue& cat) {
  trace_result out;
  std::map<std::string, std::size_t> index;
  for (const auto& s : book.sentences) {
    if (!index.emplace(s.id, out.sentences.size()).second)
      out.problems.push_back("sentence " + s.id + " is listed twice");
    out.sentences.push_back({s, status::uncovered, {}, {}});
  }

  // Cases that quote a sentence.
  std::vector<std::set<std::string>> by_quote(out.sentences.size());
  // Quotes that are not RFC text, with the cases that hold them, in catalogue order.
  std::vector<std::pair<quoted_run, std::vector<std::string>>> drifted;
  for (const auto& c : cat.cases()) {
    if (!text_of(book, c.rfc)) continue;  // a case of another RFC (HTTP, say)
    for (const auto& run : quoted_runs(c.requirement, c.rfc)) {
      const rfc_text* text = text_of(book, run.rfc);
      if (!text) continue;  // a quote of an RFC this book does not hold
      if (text->body.find(run.text) == std::string::npos) {
        auto it = std::find_if(drifted.begin(), drifted.end(), [&](const auto& d) {
          return d.first.rfc == run.rfc && d.first.text == run.text;
        });
        if (it == drifted.end()) it = drifted.insert(drifted.end(), {run, {}});
        it->second.push_back(c.id);
      }
      for (std::size_t i = 0; i < out.sentences.size(); ++i)
        if (out.sentences[i].rule.rfc == run.rfc && covers(run.text, out.sentences[i].rule.text))
          by_quote[i].insert(c.id);
    }
  }

  for (const auto& [run, ids] : drifted) {
    std::string who = ids.front();
    if (ids.size() > 1)
      who += " (and " + std::to_string(ids.size() - 1) +
             (ids.size() == 2 ? " more case)" : " more cases)");
    const std::size_t agree = agreeing_prefix(text_of(book, run.rfc)->body, run.text);
    out.problems.push_back(
        who + ": the quote \"" + run.text + "\" is not in the text of " + run.rfc +
        "; it parts from it after \"" +
        run.text.substr(agree > 30 ? agree - 30 : 0, std::min<std::size_t>(agree, 30)) + "\"");
  }

  // Cases the coverage table names, and reasons.
  std::vector<std::set<std::string>> by_table(out.sentences.size());
  for (const auto& e : book.coverage) {
    const auto it = index.find(e.id);
    if (it == index.end()) {
      out.problems.push_back("the coverage table names " + e.id + ", which is no sentence");
      continue;
    }
    auto& t = out.sentences[it->second];
    if (!e.reason.empty()) {
      if (!t.reason.empty()) out.problems.push_back(e.id + " has two reasons");
      t.reason = e.reason;
    }
    for (const auto& p : e.cases) {
      bool any = false;
      for (const auto& c : cat.cases()) {
        if (!matches(p, c)) continue;
        by_table[it->second].insert(c.id);
        any = true;
      }
      if (!any) out.problems.push_back(e.id + ": no case matches '" + p + "'");
    }
  }

  for (std::size_t i = 0; i < out.sentences.size(); ++i) {
    auto& t = out.sentences[i];
    for (const auto& c : cat.cases())
      if (by_quote[i].count(c.id) || by_table[i].count(c.id)) t.cases.push_back(c.id);
    if (!t.cases.empty()) {
      t.state = status::covered;
      if (!t.reason.empty())
        out.problems.push_back(t.rule.id + " is checked by " + t.cases.front() +
                               ", yet has the reason \"" + t.reason + "\"");
    } else if (t.reason.starts_with(planned_prefix)) {
      t.state = status::planned;
    } else if (!t.reason.empty()) {
      t.state = status::reason;
    }
  }
  return out;
}

std::vector<const traced*> server_side_uncovered(const trace_result& t) {
  std::vector<const traced*> out;
  for (const auto& s : t.sentences)
    if (s.state == status::uncovered && binds_server(s.rule.binds)) out.push_back(&s);
  return out;
}

std::string_view to_string(side s) noexcept {
  switch (s) {
    case side::server:
      return "server";
    case side::client:
      return "client";
    case side::both:
      return "both";
    case side::none:
      return "none";
  }
  return "none";
}

std::string_view to_string(status s) noexcept {
  switch (s) {
    case status::covered:
      return "covered";
    case status::reason:
      return "reason";
    case status::planned:
      return "planned";
    case status::uncovered:
      return "uncovered";
  }
  return "uncovered";
}

}  // namespace wsspec::harness::rules
