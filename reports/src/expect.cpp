#include "wsspec/reports/expect.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace wsspec::reports {

namespace {

using nlohmann::json;
using namespace harness;

constexpr verdict all_verdicts[] = {
    verdict::ok,     verdict::non_strict, verdict::informational, verdict::unimplemented,
    verdict::failed, verdict::error};
constexpr close_verdict all_close[] = {
    close_verdict::ok,     close_verdict::wrong_code,    close_verdict::unclean,
    close_verdict::failed, close_verdict::informational, close_verdict::error};

// How bad a close verdict is, for telling an improvement from a regression.
int close_severity(close_verdict v) noexcept {
  switch (v) {
    case close_verdict::ok:
      return 0;
    case close_verdict::informational:
      return 1;
    case close_verdict::wrong_code:
      return 2;
    case close_verdict::unclean:
      return 3;
    case close_verdict::failed:
      return 4;
    case close_verdict::error:
      return 5;
  }
  return 5;
}

template <class E, std::size_t N>
std::vector<E> words(const json& list, const E (&values)[N], const std::string& where) {
  if (!list.is_array() || list.empty())
    throw std::runtime_error(where + ": expected a non-empty list of verdicts");
  std::vector<E> out;
  for (const auto& w : list) {
    if (!w.is_string()) throw std::runtime_error(where + ": a verdict must be a string");
    const auto word = w.get<std::string>();
    const auto it = std::find_if(std::begin(values), std::end(values),
                                 [&](E v) { return to_string(v) == word; });
    if (it == std::end(values))
      throw std::runtime_error(where + ": unknown verdict '" + word + "'");
    out.push_back(*it);
  }
  return out;
}

// -1 better than every allowed verdict, 0 allowed, 1 otherwise.
template <class E, class Severity>
int compare(E actual, const std::vector<E>& allowed, Severity severity_of) {
  if (std::find(allowed.begin(), allowed.end(), actual) != allowed.end()) return 0;
  for (E v : allowed)
    if (severity_of(actual) >= severity_of(v)) return 1;
  return -1;
}

}  // namespace

expectations expectations_from(const agent_report& a) {
  expectations e;
  e.agent = a.info.agent;
  for (const auto& r : a.results) e.cases[r.id] = {{r.behavior}, {r.close}};
  return e;
}

void write_expectations(const expectations& e, std::ostream& out) {
  json cases = json::object();
  for (const auto& [id, allowed] : e.cases) {
    json b = json::array(), c = json::array();
    for (verdict v : allowed.behavior) b.push_back(std::string(to_string(v)));
    for (close_verdict v : allowed.close) c.push_back(std::string(to_string(v)));
    cases[id] = {{"behavior", b}, {"close", c}};
  }
  const json doc = {
      {"wsspec_expectations", expectations_version}, {"agent", e.agent}, {"cases", cases}};
  out << doc.dump(1, ' ', false, json::error_handler_t::replace) << "\n";
}

expectations read_expectations(std::istream& in) {
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(std::string("not JSON: ") + e.what());
  }
  if (!doc.is_object() || !doc.contains("wsspec_expectations"))
    throw std::runtime_error("not a wsspec expectations file (no wsspec_expectations)");
  if (doc["wsspec_expectations"] != expectations_version)
    throw std::runtime_error("unsupported wsspec_expectations version " +
                             doc["wsspec_expectations"].dump());
  expectations e;
  if (doc.contains("agent") && doc["agent"].is_string()) e.agent = doc["agent"].get<std::string>();
  if (!doc.contains("cases") || !doc["cases"].is_object())
    throw std::runtime_error("no \"cases\" object");
  for (const auto& [id, v] : doc["cases"].items()) {
    if (!v.is_object()) throw std::runtime_error("case " + id + ": expected an object");
    allowed_verdicts a;
    a.behavior = words(v.contains("behavior") ? v["behavior"] : json(), all_verdicts,
                       "case " + id + " behavior");
    a.close = v.contains("close")
                  ? words(v["close"], all_close, "case " + id + " close")
                  : std::vector<close_verdict>(std::begin(all_close), std::end(all_close));
    e.cases.emplace(id, std::move(a));
  }
  return e;
}

expectation_check check_expectations(const agent_report& a, const expectations& e, bool strict) {
  expectation_check out;
  std::size_t listed_and_run = 0;
  for (const auto& r : a.results) {
    const auto it = e.cases.find(r.id);
    if (it == e.cases.end()) {
      // A new ERROR is a regression like a new failure: a baseline cannot hide a fault of wsspec.
      if (is_gate_failure(r, strict)) out.regressions.push_back(&r);
      continue;
    }
    ++listed_and_run;
    const int b = compare(r.behavior, it->second.behavior, severity);
    const int c = compare(r.close, it->second.close, close_severity);
    if (b > 0 || c > 0)
      out.regressions.push_back(&r);
    else if (b < 0 || c < 0)
      out.improvements.push_back(&r);
  }
  out.not_run = e.cases.size() - listed_and_run;
  return out;
}

}  // namespace wsspec::reports
