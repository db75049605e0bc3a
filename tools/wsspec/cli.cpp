#include "wsspec/cli.hpp"

#include "fuzz_command.hpp"
#include "run_common.hpp"
#include "test_client.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "wsspec/harness/case_json.hpp"
#include "wsspec/harness/catalogue.hpp"
#include "wsspec/harness/rules.hpp"
#include "wsspec/harness/runner.hpp"
#include "wsspec/harness/selector.hpp"
#include "wsspec/reference/asio/endpoint.hpp"
#include "wsspec/reference/url.hpp"
#include "wsspec/reports/autobahn_index.hpp"
#include "wsspec/reports/expect.hpp"
#include "wsspec/reports/html.hpp"
#include "wsspec/reports/json.hpp"
#include "wsspec/reports/junit.hpp"
#include "wsspec/reports/markdown.hpp"
#include "wsspec/reports/merge.hpp"
#include "wsspec/version.hpp"

namespace wsspec::cli {

namespace {

using harness::case_result;

// Runs `selected` against the server at `url` and fills `into` (results and run metadata).
// Progress goes to `out` as cases finish. Returns exit_usage when the target could not be reached.
// The TLS context for a wss:// target from the options; false with a line on `err` when a file
// cannot be used.
bool make_tls(const test_options& o, std::shared_ptr<ref::asio::tls_context>& tls,
              std::ostream& out, std::ostream& err) {
  if (!make_client_tls(o.ca_file, o.insecure, o.client_cert, o.client_key, tls, err)) return false;
  if (o.insecure) out << "wsspec: the server's certificate is not verified (--insecure)\n";
  return true;
}

int run_against(const test_options& o, const ref::ws_url& url,
                std::shared_ptr<ref::asio::tls_context> tls,
                const std::vector<const harness::case_def*>& selected, reports::agent_report& into,
                std::ostream& out, std::ostream& err) {
  harness::run_options ro;
  ro.tls = std::move(tls);
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
  into.info.tool_version = version();
  into.info.target = o.url;
  into.info.role = "server";
  into.info.agent = o.agent.empty() ? url.host_header() : o.agent;
  into.info.seed = o.seed;
  into.info.selection = o.cases;
  into.info.exclude = o.exclude;
  into.info.shard = o.shard;
  into.info.jobs = ro.jobs;
  into.info.time_scale = o.slow;
  into.info.close_timeout_ms = o.timeout_ms;
  into.info.started = started;
  into.info.wall_ms = static_cast<std::uint64_t>(outcome.wall.count());
  into.info.strict = o.strict;
  into.info.tls_unverified = url.secure && o.insecure;
  into.results = std::move(outcome.results);
  return exit_ok;
}

int test_server(const test_options& o, std::ostream& out, std::ostream& err) {
  ref::ws_url url;
  std::string why;
  if (!ref::parse_ws_url(o.url, url, why)) {
    err << "wsspec: " << why << "\n";
    return exit_usage;
  }
  std::shared_ptr<ref::asio::tls_context> tls;
  if (!url.secure && (!o.ca_file.empty() || o.insecure || !o.client_cert.empty())) {
    err << "wsspec: --ca, --insecure and --client-cert are for wss:// URLs\n";
    return exit_usage;
  }
  if (url.secure && !make_tls(o, tls, out, err)) return exit_usage;
  harness::catalogue from_file;
  std::vector<const harness::case_def*> selected;
  if (!select_cases(o, ref::role::server, from_file, selected, err)) return exit_usage;
  reports::expectations expect;
  if (!o.expect_file.empty() && !load_expectations(o.expect_file, expect, err)) return exit_usage;

  reports::report rep;
  rep.agents.emplace_back();
  if (const int rc = run_against(o, url, tls, selected, rep.agents.front(), out, err);
      rc != exit_ok)
    return rc;
  out << "\n";
  if (!write_reports(rep, o.out_dir, o.strict, o.junit_file, out, err)) return exit_usage;
  return gate(rep.agents.front(), o.expect_file.empty() ? nullptr : &expect, o.expect_file,
              o.strict, out);
}

// ----- wsspec report, wsspec expect ----------------------------------------------------------

// Reads a results.json; false with a line on `err` when it is missing or malformed.
bool load_results(const std::string& path, reports::report& r, std::ostream& err) {
  std::ifstream f(path);
  if (!f) {
    err << "wsspec: cannot read " << path << "\n";
    return false;
  }
  try {
    r = reports::read_json(f);
  } catch (const std::exception& e) {
    err << "wsspec: " << path << ": " << e.what() << "\n";
    return false;
  }
  return true;
}

// Renders a saved results.json in one format, to `output` or (empty) to `out`.
int render(const std::string& format, const std::string& input, const std::string& output,
           bool strict, std::ostream& out, std::ostream& err) {
  reports::report rep;
  if (!load_results(input, rep, err)) return exit_usage;
  for (const auto& a : rep.agents) strict = strict || a.info.strict;
  const auto write = [&](std::ostream& to) {
    if (format == "html") reports::write_html(rep, to);
    if (format == "junit") reports::write_junit(rep, to, strict);
    if (format == "markdown") reports::write_markdown(rep, to);
  };
  if (output.empty()) {
    write(out);
    return exit_ok;
  }
  return write_file(output, write, err) ? exit_ok : exit_usage;
}

int merge_results(const std::vector<std::string>& inputs, const std::string& output,
                  std::ostream& out, std::ostream& err) {
  std::vector<reports::report> parts(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (!load_results(inputs[i], parts[i], err)) return exit_usage;
  std::vector<std::string> order;
  for (const auto& c : harness::builtin_catalogue().cases()) order.push_back(c.id);
  reports::report merged;
  try {
    merged = reports::merge(parts, order);
  } catch (const std::exception& e) {
    err << "wsspec: cannot merge: " << e.what() << "\n";
    return exit_usage;
  }
  if (!write_file(
          output, [&](std::ostream& f) { reports::write_json(merged, f); }, err))
    return exit_usage;
  std::size_t results = 0;
  for (const auto& a : merged.agents) results += a.results.size();
  out << "wsspec: merged " << inputs.size() << " files into " << output << " ("
      << merged.agents.size() << (merged.agents.size() == 1 ? " agent, " : " agents, ") << results
      << " results)\n";
  return exit_ok;
}

int write_baseline(const std::string& input, const std::string& output, const std::string& agent,
                   std::ostream& out, std::ostream& err) {
  reports::report rep;
  if (!load_results(input, rep, err)) return exit_usage;
  const reports::agent_report* chosen = nullptr;
  for (const auto& a : rep.agents)
    if (agent.empty() ? rep.agents.size() == 1 : a.info.agent == agent) chosen = &a;
  if (!chosen) {
    err << "wsspec: " << input << " holds " << rep.agents.size()
        << (agent.empty() ? " agents; choose one with --agent NAME\n"
                          : " agents, none named '" + agent + "'\n");
    return exit_usage;
  }
  const auto e = reports::expectations_from(*chosen);
  if (!write_file(
          output, [&](std::ostream& f) { reports::write_expectations(e, f); }, err))
    return exit_usage;
  out << "wsspec: wrote the verdicts of " << e.cases.size() << " cases of " << chosen->info.agent
      << " to " << output << " (pass it to --expect)\n";
  return exit_ok;
}

// ----- wsspec run: Autobahn spec files ---------------------------------------------------------

int run_spec(const std::string& path, test_options base, const client_options& client_base,
             std::ostream& out, std::ostream& err) {
  std::ifstream f(path);
  if (!f) {
    err << "wsspec: cannot read " << path << "\n";
    return exit_usage;
  }
  nlohmann::json spec;
  try {
    spec = nlohmann::json::parse(f);
  } catch (const std::exception& e) {
    std::string what = e.what();
    if (const auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
    err << "wsspec: " << path << ": not JSON: " << what << "\n";
    return exit_usage;
  }
  if (!spec.is_object()) {
    err << "wsspec: " << path << ": an Autobahn spec is a JSON object\n";
    return exit_usage;
  }
  if (!spec.contains("servers")) {
    if (spec.contains("url")) return run_fuzzingserver_spec(spec, path, client_base, out, err);
    err << "wsspec: " << path
        << ": neither a fuzzingclient spec (\"servers\" to test) nor a fuzzingserver spec "
           "(a \"url\" to serve clients on)\n";
    return exit_usage;
  }
  const auto& servers = spec["servers"];
  if (!servers.is_array() || servers.empty()) {
    err << "wsspec: " << path << ": \"servers\" must list at least one {\"agent\", \"url\"}\n";
    return exit_usage;
  }
  spec_selection sel;
  if (!read_spec_selection(spec, "./reports/servers", sel, err)) return exit_usage;
  // Every server entry is checked before any runs.
  struct server {
    test_options o;
    ref::ws_url url;
  };
  std::vector<server> targets;
  for (const auto& s : servers) {
    if (!s.is_object() || !s.contains("url") || !s["url"].is_string() ||
        (s.contains("agent") && !s["agent"].is_string())) {
      err << "wsspec: " << path << ": each server needs a \"url\" string (and an \"agent\")\n";
      return exit_usage;
    }
    server t{base, {}};
    t.o.url = s["url"].get<std::string>();
    std::string why;
    if (!ref::parse_ws_url(t.o.url, t.url, why)) {
      err << "wsspec: " << path << ": " << why << "\n";
      return exit_usage;
    }
    t.o.agent = s.contains("agent") ? s["agent"].get<std::string>() : t.url.host_header();
    t.o.cases = sel.cases;
    t.o.exclude = sel.exclude;
    targets.push_back(std::move(t));
  }

  reports::report rep;
  int rc = exit_ok;
  for (auto& t : targets) {
    std::vector<const harness::case_def*> selected;
    for (const auto& c : harness::builtin_catalogue().cases()) {
      if (harness::applies_to(c.roles, ref::role::server) && sel.selects(c) &&
          !sel.excluded_for(t.o.agent, c))
        selected.push_back(&c);
    }
    if (selected.empty()) {
      err << "wsspec: no case of the spec is left for " << t.o.agent << "\n";
      rc = exit_usage;
      continue;
    }
    out << "wsspec: " << t.o.agent << " at " << t.o.url << ": " << selected.size() << " cases\n";
    reports::agent_report a;
    std::shared_ptr<ref::asio::tls_context> tls;
    if (t.url.secure && !make_tls(base, tls, out, err)) return exit_usage;
    if (run_against(t.o, t.url, tls, selected, a, out, err) != exit_ok) {
      rc = exit_usage;
      continue;
    }
    rep.agents.push_back(std::move(a));
  }
  if (rep.agents.empty()) return exit_usage;
  out << "\n";
  if (!write_reports(rep, sel.outdir, base.strict, "", out, err)) return exit_usage;
  // The worst status over the agents: a case in ERROR (2) over a gate failure (1).
  int status = exit_ok;
  for (const auto& a : rep.agents) {
    print_summary(out, a);
    status = std::max(status, reports::exit_status(reports::summarize(a)));
  }
  if (rc != exit_ok) return rc;
  return status;
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

// ----- wsspec rules --------------------------------------------------------------------------

struct rules_options {
  std::string rfc;  // "6455", "7692" or empty for both
  bool json = false;
  bool markdown = false;
  bool uncovered = false;
};

// The normative sentences and the cases that check them. With --uncovered, exit 1 when a
// sentence binding servers has neither a case nor a reason.
int rules_report(const rules_options& o, std::ostream& out) {
  namespace rules = harness::rules;
  const auto t = rules::trace(rules::builtin_rules(), harness::builtin_catalogue());
  if (o.markdown) {
    rules::write_markdown(t, out);
    return exit_ok;
  }
  rules::view v;
  if (!o.rfc.empty()) v.rfc = "RFC " + o.rfc;
  v.uncovered_only = o.uncovered;
  if (o.json)
    rules::write_json(t, v, out);
  else
    rules::write_table(t, v, out);
  if (!o.uncovered) return exit_ok;
  for (const auto* s : rules::server_side_uncovered(t))
    if (v.rfc.empty() || s->rule.rfc == v.rfc) return exit_failed;
  return exit_ok;
}

}  // namespace

int run(int argc, char** argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"wsspec: WebSocket (RFC 6455, RFC 7692) conformance suite", "wsspec"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "wsspec " + version());

  test_options topt;
  auto* ts = app.add_subcommand("test-server", "Run the catalogue against a WebSocket server");
  ts->add_option("url", topt.url, "The server's URL, e.g. ws://127.0.0.1:9001/")->required();
  ts->add_option("cases", topt.cases,
                 "Cases to run: ids, section prefixes (rfc6455/5.4), Autobahn numbers or globs "
                 "(6.4.*); default all");
  ts->add_option("--exclude", topt.exclude, "Cases to leave out (same patterns)");
  ts->add_option("--jobs,-j", topt.jobs, "Cases run at once (default 8)")
      ->check(CLI::Range(1, 256));
  ts->add_option("--out", topt.out_dir,
                 "Folder for results.json, index.html, junit.xml and Autobahn's index.json "
                 "(default wsspec-report)");
  ts->add_option("--junit", topt.junit_file, "Also write the JUnit XML to this file");
  ts->add_option("--expect", topt.expect_file,
                 "Pass when every result is one this file allows (see wsspec expect)");
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
  ts->add_option("--ca", topt.ca_file,
                 "wss://: trust the CA certificates in this PEM file (default: the system's)");
  ts->add_flag("--insecure", topt.insecure,
               "wss://: do not verify the server's certificate (said in the output)");
  ts->add_option("--client-cert", topt.client_cert,
                 "wss://: a client certificate (PEM), for servers that ask for one");
  ts->add_option("--client-key", topt.client_key,
                 "wss://: the client certificate's key (PEM; default: in --client-cert)");
  ts->add_flag("--strict", topt.strict, "SHOULD-level findings fail the run too");
  ts->add_flag("--quiet,-q", topt.quiet, "Print only failures and the summary");

  client_options copt;
  auto* tc = app.add_subcommand(
      "test-client",
      "Serve the catalogue to WebSocket clients (Autobahn's fuzzingserver protocol: "
      "/getCaseCount, /runCase?case=N&agent=A, /updateReports?agent=A)");
  tc->add_option("cases", copt.cases,
                 "Cases to run: ids, section prefixes, Autobahn numbers or globs; default all");
  tc->add_option("--listen", copt.listen, "Address and port to listen on (default 127.0.0.1:9001)");
  tc->add_option(
      "--exec", copt.exec,
      "Start this client command ({url} expands to ws://HOST:PORT), stop it if it hangs, "
      "and exit with the gate status when it is done");
  tc->add_flag("--once", copt.once, "Stop after the first /updateReports");
  tc->add_option("--exclude", copt.exclude, "Cases to leave out (same patterns)");
  tc->add_option("--out", copt.out_dir,
                 "Folder for results.json, index.html, junit.xml and Autobahn's index.json "
                 "(default wsspec-report)");
  tc->add_option("--junit", copt.junit_file, "Also write the JUnit XML to this file");
  tc->add_option("--expect", copt.expect_file,
                 "Pass when every result is one this file allows (see wsspec expect)");
  tc->add_option("--agent", copt.agent,
                 "The agent to report even if it never connects (with --exec: the client's name)");
  tc->add_option("--seed", copt.seed, "Seed for mask keys and nonces (default 1)");
  tc->add_option("--timeout", copt.timeout_ms,
                 "How long to wait for the client's side of a closing handshake, ms (default 1000)")
      ->check(CLI::Range(10, 600000));
  tc->add_option("--slow", copt.slow, "Multiply every case's deadlines by this factor")
      ->check(CLI::Range(0.1, 100.0));
  tc->add_option("--shard", copt.shard, "Serve only part I of N of the selection (I/N)");
  tc->add_option("--case-file", copt.case_file,
                 "Serve the cases of this JSON file instead of the built-in catalogue");
  auto* tc_cert = tc->add_option("--tls-cert", copt.tls_cert,
                                 "Serve clients wss:// with this certificate chain (PEM)");
  tc->add_option("--tls-key", copt.tls_key,
                 "The certificate's private key (PEM; default: in --tls-cert)")
      ->needs(tc_cert);
  tc->add_flag("--strict", copt.strict, "SHOULD-level findings fail the run too");
  tc->add_flag("--quiet,-q", copt.quiet, "Print only failures and the summary");

  std::vector<std::string> list_patterns;
  fuzz_options fopt;
  auto* fz = app.add_subcommand(
      "fuzz", "Fuzz a live server: mutated catalogue cases, the reference as the oracle");
  fz->add_option("url", fopt.url, "The server's URL, e.g. ws://127.0.0.1:9001/");
  fz->add_option("cases", fopt.cases,
                 "Cases to mutate: ids, sections (rfc6455/5.4), Autobahn "
                 "numbers or globs (default: every server case)");
  fz->add_option("--exclude", fopt.exclude, "Cases not to mutate (same patterns)");
  fz->add_option("--duration", fopt.duration, "How long to fuzz: 60s, 5m, 1h, 500ms");
  fz->add_option("--runs", fopt.runs, "How many sessions to run")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  fz->add_option("--jobs,-j", fopt.jobs, "Sessions at once (default 8)")->check(CLI::Range(1, 256));
  fz->add_option("--threads", fopt.threads, "Threads running them (default: up to 2 cores)")
      ->check(CLI::Range(1, 64));
  fz->add_option("--seed", fopt.seed, "Seed of the mutations (default 1)");
  fz->add_option("--out", fopt.out_dir, "Folder for findings and reports (default wsspec-fuzz)");
  fz->add_option("--resume", fopt.resume, "Go on with the campaign in this folder");
  fz->add_option("--timeout", fopt.timeout_ms,
                 "Milliseconds to wait for the server's side of a close (default 300)")
      ->check(CLI::Range(10, 600000));
  fz->add_option("--slow", fopt.slow, "Multiply every session's deadlines by this factor")
      ->check(CLI::Range(0.1, 100.0));
  fz->add_flag("--no-liveness", fopt.no_liveness,
               "Do not check with a plain echo that the server still works after each session");
  fz->add_option("--agent", fopt.agent, "Name of the implementation under test");
  fz->add_option("--ca", fopt.ca_file, "wss://: trust the CA certificates in this PEM file");
  fz->add_flag("--insecure", fopt.insecure, "wss://: do not verify the server's certificate");
  fz->add_option("--client-cert", fopt.client_cert, "wss://: present this client certificate");
  fz->add_option("--client-key", fopt.client_key, "wss://: the client certificate's key");
  fz->add_flag("--quiet,-q", fopt.quiet, "No progress line");

  auto* ls = app.add_subcommand("list", "List the catalogue");
  bool list_json = false;
  ls->add_option("cases", list_patterns, "Patterns as for test-server");
  ls->add_flag("--json", list_json, "Print the cases in the --case-file format");

  rules_options ropt;
  auto* ru =
      app.add_subcommand("rules", "The RFCs' normative sentences and the cases that check them");
  auto* ru_rfc = ru->add_option("--rfc", ropt.rfc, "Only the sentences of RFC 6455 or RFC 7692")
                     ->check(CLI::IsMember({"6455", "7692"}));
  auto* ru_json = ru->add_flag("--json", ropt.json, "Print the sentences as JSON");
  auto* ru_uncovered =
      ru->add_flag("--uncovered", ropt.uncovered,
                   "Only sentences with neither a case nor a reason, then the planned ones; exit "
                   "1 when one binds servers");
  ru->add_flag("--markdown", ropt.markdown, "Print docs/rules.md (every sentence)")
      ->excludes(ru_json)
      ->excludes(ru_uncovered)
      ->excludes(ru_rfc);

  std::string listen = "127.0.0.1:9001";
  bool no_deflate = false;
  std::uint64_t max_message = 64ull << 20;
  auto* es = app.add_subcommand("echo-server", "Run the reference echo server");
  es->add_option("--listen", listen, "Address and port to listen on (host:port)");
  es->add_flag("--no-deflate", no_deflate, "Decline permessage-deflate");
  es->add_option("--max-message", max_message, "Largest message accepted, in bytes")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  std::string tls_cert, tls_key;
  auto* es_cert =
      es->add_option("--tls-cert", tls_cert, "Serve wss:// with this certificate chain (PEM)");
  auto* es_key = es->add_option("--tls-key", tls_key, "The certificate's private key (PEM)");
  es_cert->needs(es_key);
  es_key->needs(es_cert);

  std::string report_input, report_output;
  std::vector<std::string> merge_inputs;
  bool report_strict = false;
  auto* rp = app.add_subcommand("report", "Render or merge saved results.json files");
  rp->require_subcommand(1);
  std::vector<CLI::App*> renderers;
  for (const char* format : {"html", "junit", "markdown"}) {
    auto* sub = rp->add_subcommand(format, std::string("Render RESULTS.json as ") + format);
    sub->add_option("results", report_input, "A results.json written by wsspec")->required();
    sub->add_option("-o,--output", report_output, "Output file (default: standard output)");
    if (std::string_view(format) == "junit")
      sub->add_flag("--strict", report_strict, "NON-STRICT results are failures too");
    renderers.push_back(sub);
  }
  auto* rm = rp->add_subcommand("merge", "Join results.json files of shards or runs into one");
  rm->add_option("results", merge_inputs, "results.json files")->required();
  rm->add_option("-o,--output", report_output, "The merged results.json")->required();

  std::string expect_from, expect_output, expect_agent;
  auto* ex = app.add_subcommand("expect", "Write a baseline of a run's verdicts for --expect");
  ex->add_option("--from", expect_from, "A results.json written by wsspec")->required();
  ex->add_option("-o,--output", expect_output, "The expectations file to write")->required();
  ex->add_option("--agent", expect_agent, "The agent to take, when the results hold several");

  std::string spec_file;
  test_options spec_options;
  client_options spec_client;
  auto* rs = app.add_subcommand(
      "run", "Run an Autobahn fuzzingclient.json or fuzzingserver.json spec as it is");
  rs->add_option("spec", spec_file,
                 "fuzzingclient.json (servers to test) or fuzzingserver.json (serve clients)")
      ->required();
  rs->add_option("--exec", spec_client.exec,
                 "fuzzingserver: start this client command ({url} expands) and stop when it is "
                 "done");
  rs->add_flag("--once", spec_client.once, "fuzzingserver: stop after the first /updateReports");
  rs->add_option("--jobs,-j", spec_options.jobs, "Cases run at once (default 8)")
      ->check(CLI::Range(1, 256));
  rs->add_option("--ca", spec_options.ca_file,
                 "wss:// servers: trust the CA certificates in this PEM file");
  rs->add_flag("--insecure", spec_options.insecure,
               "wss:// servers: do not verify their certificates");
  rs->add_flag("--strict", spec_options.strict, "SHOULD-level findings fail the run too");
  rs->add_flag("--quiet,-q", spec_options.quiet, "Print only failures and the summary");

  std::string url;
  std::string agent = "wsspec-reference";
  auto* ec = app.add_subcommand("echo-client", "Run the reference Autobahn testee client");
  ec->add_option("url", url, "Base URL of the fuzzing server, e.g. ws://127.0.0.1:9001")
      ->required();
  ec->add_option("--agent", agent, "Agent name reported to the server");
  ec->add_flag("--no-deflate", no_deflate, "Do not offer permessage-deflate");
  ec->add_option("--max-message", max_message, "Largest message accepted, in bytes")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  ref::asio::tls_client_options echo_tls;
  ec->add_option("--ca", echo_tls.ca_file,
                 "wss://: trust the CA certificates in this PEM file (default: the system's)");
  ec->add_flag("--insecure", echo_tls.insecure, "wss://: do not verify the server's certificate");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return exit_ok;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return exit_ok;
  } catch (const CLI::CallForVersion&) {
    out << "wsspec " << version() << "\n";
    return exit_ok;
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    if (const auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
    err << "wsspec: " << what << " (see wsspec --help)\n";
    return exit_usage;
  }

  if (*ts) return test_server(topt, out, err);
  if (*fz) return fuzz(fopt, out, err);
  if (*ls) return list_cases(list_patterns, list_json, out, err);
  if (*ru) return rules_report(ropt, out);
  for (auto* sub : renderers)
    if (*sub) return render(sub->get_name(), report_input, report_output, report_strict, out, err);
  if (*rm) return merge_results(merge_inputs, report_output, out, err);
  if (*ex) return write_baseline(expect_from, expect_output, expect_agent, out, err);
  if (*rs) {
    static_cast<test_options&>(spec_client).strict = spec_options.strict;
    spec_client.quiet = spec_options.quiet;
    return run_spec(spec_file, spec_options, spec_client, out, err);
  }
  if (*tc) return test_client(copt, out, err);
  if (*es) {
    ref::asio::echo_server_options options;
    if (!parse_listen(listen, options.host, options.port)) {
      err << "wsspec: --listen takes host:port, e.g. 127.0.0.1:9001\n";
      return exit_usage;
    }
    options.deflate = !no_deflate;
    options.max_message_size = max_message;
    if (!tls_cert.empty()) {
      try {
        options.tls = ref::asio::make_server_context({.cert_file = tls_cert, .key_file = tls_key});
      } catch (const std::exception& e) {
        err << "wsspec: " << e.what() << "\n";
        return exit_usage;
      }
    }
    const char* scheme = options.tls ? "wss" : "ws";
    return ref::asio::run_echo_server(options, [&](std::uint16_t port) {
      out << "wsspec echo-server listening on " << scheme << "://" << options.host << ":" << port
          << "/" << std::endl;
    });
  }
  if (*ec) {
    ref::asio::echo_client_options options;
    options.url = url;
    options.agent = agent;
    options.deflate = !no_deflate;
    options.max_message_size = max_message;
    options.tls = echo_tls;
    return ref::asio::run_echo_client(options);
  }
  return exit_usage;
}

}  // namespace wsspec::cli
