#include "wsspec/reports/autobahn_index.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "wsspec/reports/json.hpp"

namespace wsspec::reports {

namespace {

using nlohmann::json;

constexpr std::size_t case_file_head = 100;  // wire-log entries kept from the start of a case
constexpr std::size_t case_file_tail = 50;   // and from its end

// Autobahn writes durations as whole milliseconds.
std::int64_t whole_ms(harness::micros d) {
  return (std::max<std::int64_t>(d.count(), 0) + 500) / 1000;
}

json close_code(const harness::case_result& r) {
  return r.remote_close_code ? json(*r.remote_close_code) : json(nullptr);
}

// Autobahn's json.dumps escapes everything outside ASCII; text that is not UTF-8 is replaced.
std::string dump(const json& j) {
  return j.dump(3, ' ', true, json::error_handler_t::replace);
}

}  // namespace

std::string autobahn_report_file(const std::string& agent, const std::string& case_number) {
  std::string clean;
  for (char c : agent) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    clean += (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : ' ';
  }
  const auto first = clean.find_first_not_of(' ');
  clean = first == std::string::npos ? ""
                                     : clean.substr(first, clean.find_last_not_of(' ') - first + 1);
  for (char& c : clean)
    if (c == ' ') c = '_';
  std::string number = case_number;
  for (char& c : number)
    if (c == '.') c = '_';
  return clean + "_case_" + number + ".json";
}

void write_autobahn_index(const report& r, std::ostream& out) {
  json index = json::object();
  for (const auto& a : r.agents) {
    json& cases = index[a.info.agent];
    if (cases.is_null()) cases = json::object();
    for (const auto& res : a.results) {
      if (res.autobahn.empty()) continue;
      cases[res.autobahn] = {{"behavior", std::string(harness::to_string(res.behavior))},
                             {"behaviorClose", std::string(harness::to_string(res.close))},
                             {"duration", whole_ms(res.duration)},
                             {"remoteCloseCode", close_code(res)},
                             {"reportfile", autobahn_report_file(a.info.agent, res.autobahn)}};
    }
  }
  out << dump(index) << "\n";
}

void write_autobahn_case(const agent_report& a, const harness::case_result& r, std::ostream& out) {
  json j = result_to_json(r);
  // The file stays small: a long wire log keeps its start and its end (results.json has it all).
  auto& entries = j["transcript"]["entries"];
  if (entries.size() > case_file_head + case_file_tail) {
    json kept = json::array();
    for (std::size_t i = 0; i < entries.size(); ++i)
      if (i < case_file_head || i >= entries.size() - case_file_tail) kept.push_back(entries[i]);
    j["transcript"]["entries_omitted"] = entries.size() - kept.size();
    entries = std::move(kept);
  }
  j["agent"] = a.info.agent;
  j["behaviorClose"] = std::string(harness::to_string(r.close));
  j["duration"] = whole_ms(r.duration);
  j["remoteCloseCode"] = close_code(r);
  j["remoteCloseReason"] = r.remote_close_reason;
  out << dump(j) << "\n";
}

}  // namespace wsspec::reports
