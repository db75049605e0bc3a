#include "wsspec/cli.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <string>

#include "wsspec/harness/case_json.hpp"
#include "wsspec/harness/catalogue.hpp"
#include "wsspec/harness/runner.hpp"
#include "wsspec/harness/selector.hpp"
#include "wsspec/reference/asio/endpoint.hpp"
#include "wsspec/reference/url.hpp"
#include "wsspec/reports/json.hpp"

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

  reports::agent_report ar;
  ar.info.tool_version = WSSPEC_VERSION;
  ar.info.target = o.url;
  ar.info.role = "server";
  ar.info.agent = o.agent.empty() ? url.host_header() : o.agent;
  ar.info.seed = o.seed;
  ar.info.selection = o.cases;
  ar.info.exclude = o.exclude;
  ar.info.shard = o.shard;
  ar.info.jobs = ro.jobs;
  ar.info.time_scale = o.slow;
  ar.info.close_timeout_ms = o.timeout_ms;
  ar.info.started = started;
  ar.info.wall_ms = static_cast<std::uint64_t>(outcome.wall.count());
  ar.info.strict = o.strict;
  ar.results = std::move(outcome.results);
  reports::report rep;
  rep.agents.push_back(std::move(ar));
  const auto& results = rep.agents.front().results;

  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  const auto json_path = std::filesystem::path(o.out_dir) / "results.json";
  {
    std::ofstream f(json_path);
    if (f) reports::write_json(rep, f);
    if (!f) {
      err << "wsspec: cannot write " << json_path.string() << "\n";
      return exit_usage;
    }
  }

  // The failures, with what was expected and what happened.
  std::size_t shown = 0;
  for (const auto& r : results) {
    if (!harness::breaks_gate(r, o.strict) && r.behavior != harness::verdict::error) continue;
    if (shown++ == 0) out << "\nFailures:\n";
    out << "  " << r.id << (r.autobahn.empty() ? "" : " (Autobahn " + r.autobahn + ")") << ": "
        << harness::to_string(r.behavior) << " / " << harness::to_string(r.close) << "\n"
        << "    " << r.rfc << " §" << r.section << " " << harness::to_string(r.lvl) << ": "
        << r.requirement.substr(0, 160) << (r.requirement.size() > 160 ? "..." : "") << "\n"
        << "    expected: " << r.expected << "\n"
        << "    actual:   " << r.actual << "\n";
    for (const auto& reason : r.reasons) out << "    - " << reason << "\n";
  }
  const auto s = reports::summarize(rep.agents.front());
  out << "\nwsspec: " << s.total << " cases in " << outcome.wall.count() << " ms:";
  bool first = true;
  for (const auto& [word, n] : s.behavior) {
    out << (first ? " " : ", ") << n << " " << word;
    first = false;
  }
  out << "; " << (s.gate_failures ? std::to_string(s.gate_failures) : "no")
      << (o.strict ? " MUST/SHOULD" : " MUST") << " failures. Results: " << json_path.string()
      << "\n";
  return s.gate_failures ? exit_failed : exit_ok;
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
  ts->add_option("--out", topt.out_dir, "Folder for results.json (default wsspec-report)");
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

  std::string listen = "127.0.0.1:9001";
  bool no_deflate = false;
  std::uint64_t max_message = 64ull << 20;
  auto* es = app.add_subcommand("echo-server", "Run the reference echo server");
  es->add_option("--listen", listen, "Address and port to listen on (host:port)");
  es->add_flag("--no-deflate", no_deflate, "Decline permessage-deflate");
  es->add_option("--max-message", max_message, "Largest message accepted, in bytes")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));

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
