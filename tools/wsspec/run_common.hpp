// What the test commands share: options, progress lines, the report folder, the gate.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/harness/catalogue.hpp"
#include "wsspec/harness/evaluator.hpp"
#include "wsspec/reference/asio/tls.hpp"
#include "wsspec/reports/expect.hpp"
#include "wsspec/reports/report.hpp"

namespace wsspec::cli {

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

// The options test-server and test-client share.
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
  // wss:// targets: the CA file to trust (empty: the system's), no verification at all, and a
  // client certificate and key for servers that ask for one.
  std::string ca_file;
  bool insecure = false;
  std::string client_cert;
  std::string client_key;
};

std::string now_iso();
// The TLS context for a wss:// target: `ca` to trust (empty: the system's), no verification at
// all with `insecure`, and a client certificate and key when given. False with a line on `err`
// when a file cannot be used.
bool make_client_tls(const std::string& ca, bool insecure, const std::string& cert,
                     const std::string& key, std::shared_ptr<ref::asio::tls_context>& into,
                     std::ostream& err);
bool parse_listen(const std::string& text, std::string& host, std::uint16_t& port);
bool parse_shard(const std::string& text, std::size_t& index, std::size_t& count);
std::string pad(std::string_view s, std::size_t w);
// One progress line for a finished case: "[12/300]  OK  OK  1.1.1  rfc6455/...  3 ms".
void print_line(std::ostream& out, const harness::case_result& r, std::size_t done,
                std::size_t total);
// The cases of a --case-file, checked like the built-in catalogue; false with a reason on error.
bool load_case_file(const std::string& path, harness::catalogue& into, std::ostream& err);

// The cases the options select for a target of `role`: from --case-file (loaded into
// `from_file`, which must outlive the result) or the built-in catalogue, by the patterns,
// --exclude and --shard. False with a line on `err` on a bad option, a pattern that matches
// nothing, or an empty selection.
bool select_cases(const test_options& o, ref::role role, harness::catalogue& from_file,
                  std::vector<const harness::case_def*>& selected, std::ostream& err);

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
                   const std::string& junit_file, std::ostream& out, std::ostream& err);
void print_failure(std::ostream& out, const harness::case_result& r);
// The totals line of one agent.
void print_summary(std::ostream& out, const reports::agent_report& a);
// Reads an expectations file; false with a line on `err` when it is missing or malformed.
bool load_expectations(const std::string& path, reports::expectations& e, std::ostream& err);
// The gate: without expectations, no case may break it; with them, every result must be one the
// file allows (results better than allowed are reported and pass). A case in ERROR makes the
// run a harness failure (exit 2): its verdict says nothing about the target.
int gate(const reports::agent_report& a, const reports::expectations* expect,
         const std::string& expect_path, bool strict, std::ostream& out);

// Autobahn's case patterns (JUDGING.md §7): with a '*', a regular expression in which '.' is
// literal and '*' matches any run, matched from the start (`anchored`: over the whole text);
// without one, the exact text.
bool autobahn_match(std::string_view pattern, std::string_view text, bool anchored);
// A case matches a pattern of a spec by its Autobahn number or by its wsspec id.
bool spec_selects(std::string_view pattern, const harness::case_def& c, bool anchored);
// A list of strings from a spec; false with a line on `err` if `v` is not one.
bool string_list(const nlohmann::json& v, const std::string& what, std::vector<std::string>& into,
                 std::ostream& err);

// What an Autobahn spec selects: "cases" (default all), "exclude-cases", "exclude-agent-cases"
// (agent pattern → case patterns), and where the reports go ("outdir").
struct spec_selection {
  std::vector<std::string> cases{"*"};
  std::vector<std::string> exclude;
  std::vector<std::pair<std::string, std::vector<std::string>>> agent_excludes;
  std::string outdir;
  // Selected by "cases" and not left out by "exclude-cases".
  bool selects(const harness::case_def& c) const;
  // Left out for this agent by "exclude-agent-cases".
  bool excluded_for(const std::string& agent, const harness::case_def& c) const;
};
// Reads the selection of `spec`; false with a line on `err` when a field is malformed.
bool read_spec_selection(const nlohmann::json& spec, std::string default_outdir,
                         spec_selection& into, std::ostream& err);

}  // namespace wsspec::cli
