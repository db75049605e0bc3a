#include "test_client.hpp"

#include <algorithm>
#include <functional>
#include <map>

#include "wsspec/harness/child_process.hpp"
#include "wsspec/harness/selector.hpp"
#include "wsspec/harness/testee_server.hpp"
#include "wsspec/reference/asio/tls.hpp"
#include "wsspec/version.hpp"

namespace wsspec::cli {

namespace {

using harness::case_result;

// Cases an agent is not to run, by index in the selection.
using agent_skip = std::function<bool(const std::string& agent, std::size_t index)>;

struct serve_plan {
  std::string host;
  std::uint16_t port = 9001;
  std::vector<const harness::case_def*> cases;
  std::string out_dir;
  agent_skip skip;
  const reports::expectations* expect = nullptr;
};

// The report of every agent: each selected case it was to run, with a FAILED "not run" result for
// the ones it never ran.
reports::report make_report(const client_options& o, const serve_plan& plan,
                            const std::vector<harness::agent_results>& agents,
                            const std::string& url, const std::string& started,
                            std::uint64_t wall_ms, const std::string& not_run_why) {
  reports::report rep;
  for (const auto& a : agents) {
    reports::agent_report ar;
    ar.info.tool_version = version();
    ar.info.target = url;
    ar.info.role = "client";
    ar.info.agent = a.agent;
    ar.info.seed = o.seed;
    ar.info.selection = o.cases;
    ar.info.exclude = o.exclude;
    ar.info.shard = o.shard;
    ar.info.jobs = 1;
    ar.info.time_scale = o.slow;
    ar.info.close_timeout_ms = o.timeout_ms;
    ar.info.started = started;
    ar.info.wall_ms = wall_ms;
    ar.info.strict = o.strict;
    for (std::size_t i = 0; i < plan.cases.size(); ++i) {
      if (plan.skip && plan.skip(a.agent, i)) continue;
      ar.results.push_back(i < a.results.size() && a.results[i]
                               ? *a.results[i]
                               : harness::not_run(*plan.cases[i], not_run_why));
    }
    rep.agents.push_back(std::move(ar));
  }
  return rep;
}

// Every wait of a case is bounded; a client that takes longer than all of them together plus a
// margin hangs.
std::chrono::milliseconds run_deadline(const std::vector<const harness::case_def*>& cases,
                                       const client_options& o) {
  std::chrono::milliseconds sum{30000};
  for (const auto* c : cases)
    sum += std::chrono::duration_cast<std::chrono::milliseconds>(
        (c->budget + std::chrono::milliseconds(5000) +
         3 * std::chrono::milliseconds(o.timeout_ms)) *
        o.slow);
  return sum;
}

int serve_and_report(const client_options& o, const serve_plan& plan, std::ostream& out,
                     std::ostream& err) {
  harness::testee_options to;
  to.host = plan.host;
  to.port = plan.port;
  to.cases = plan.cases;
  to.seed = o.seed;
  to.time_scale = o.slow;
  to.close_timeout = std::chrono::milliseconds(o.timeout_ms);
  to.stop_after_updates = o.once ? 1 : 0;
  to.exec = o.exec;
  to.idle_timeout = std::chrono::seconds(10);  // scaled by --slow like every deadline
  to.deadline = run_deadline(plan.cases, o);
  to.skip = plan.skip;
  if (!o.tls_cert.empty()) {
    try {
      ref::asio::tls_server_options tls;
      tls.cert_file = o.tls_cert;
      tls.key_file = o.tls_key.empty() ? o.tls_cert : o.tls_key;
      to.tls = ref::asio::make_server_context(tls);
    } catch (const std::exception& e) {
      err << "wsspec: " << e.what() << "\n";
      return exit_usage;
    }
  }
  const std::string scheme = to.tls ? "wss://" : "ws://";
  const std::string started = now_iso();
  const auto start = std::chrono::steady_clock::now();
  std::string url = scheme + plan.host + ":" + std::to_string(plan.port);
  std::map<std::string, std::size_t> done;
  to.on_listening = [&](std::uint16_t port) {
    url = scheme + (plan.host.find(':') != std::string::npos ? "[" + plan.host + "]" : plan.host) +
          ":" + std::to_string(port);
    out << "wsspec test-client: " << plan.cases.size() << " cases at " << url;
    if (o.exec.empty()) {
      out << "; point your testee client at it (Ctrl-C to stop)\n";
    } else {
      out << "; starting: " << harness::expand_url(o.exec, url) << "\n";
    }
    out.flush();
  };
  to.on_result = [&](const std::string& agent, const case_result& r, std::size_t) {
    const std::size_t n = ++done[agent];
    if (o.quiet && !harness::breaks_gate(r, o.strict)) return;
    if (done.size() > 1) out << agent << ": ";
    print_line(out, r, n, plan.cases.size());
    out.flush();
  };
  to.on_update_reports = [&](const std::string&, const std::vector<harness::agent_results>& a) {
    const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    const auto rep = make_report(o, plan, a, url, started, static_cast<std::uint64_t>(wall.count()),
                                 "the client has not run it yet");
    write_reports(rep, plan.out_dir, o.strict, o.junit_file, out, err);
  };

  auto outcome = harness::serve_testees(to);
  if (outcome.listen_failed || outcome.exec_failed) {
    err << "wsspec: " << outcome.problem << "\n";
    return exit_usage;
  }
  std::string why;
  if (outcome.client_stopped) {
    out << "\nwsspec: " << outcome.problem << "\n";
    why = "wsspec stopped the client: " + outcome.problem;
  } else if (outcome.client_exit) {
    why = "the client exited with status " + std::to_string(*outcome.client_exit) +
          " without running it";
  } else if (!outcome.problem.empty()) {
    why = outcome.problem;
  }
  if (outcome.client_exit)
    out << "wsspec: the client exited with status " << *outcome.client_exit << "\n";
  // The agent asked for, or the one started, is reported even if it never ran a case.
  const bool named = std::any_of(outcome.agents.begin(), outcome.agents.end(),
                                 [&](const auto& a) { return a.agent == o.agent; });
  if (!o.agent.empty() && !named) outcome.agents.push_back({o.agent, {}});
  if (outcome.agents.empty() && !o.exec.empty()) outcome.agents.push_back({"client", {}});
  if (outcome.agents.empty()) {
    err << "wsspec: no client ran a case; nothing to report\n";
    return exit_usage;
  }
  const auto rep = make_report(o, plan, outcome.agents, url, started,
                               static_cast<std::uint64_t>(outcome.wall.count()), why);
  out << "\n";
  if (!write_reports(rep, plan.out_dir, o.strict, o.junit_file, out, err)) return exit_usage;
  int status = exit_ok;
  for (const auto& a : rep.agents)
    status = std::max(status, gate(a, plan.expect, o.expect_file, o.strict, out));
  return status;
}

}  // namespace

int test_client(const client_options& o, std::ostream& out, std::ostream& err) {
  serve_plan plan;
  if (!parse_listen(o.listen, plan.host, plan.port)) {
    err << "wsspec: --listen takes host:port, e.g. 127.0.0.1:9001\n";
    return exit_usage;
  }
  harness::catalogue from_file;
  if (!select_cases(o, ref::role::client, from_file, plan.cases, err)) return exit_usage;
  reports::expectations expect;
  if (!o.expect_file.empty()) {
    if (!load_expectations(o.expect_file, expect, err)) return exit_usage;
    plan.expect = &expect;
  }
  plan.out_dir = o.out_dir;
  return serve_and_report(o, plan, out, err);
}

int run_fuzzingserver_spec(const nlohmann::json& spec, const std::string& path,
                           const client_options& base, std::ostream& out, std::ostream& err) {
  client_options o = base;
  serve_plan plan;
  if (!spec.contains("url") || !spec["url"].is_string()) {
    err << "wsspec: " << path << ": a fuzzingserver spec needs a \"url\" string to listen on\n";
    return exit_usage;
  }
  // The address to listen on: ws://HOST:PORT (port 0: any free port), or wss://HOST:PORT with
  // the certificate ("cert") and key ("key") to serve it with.
  const std::string listen_url = spec["url"].get<std::string>();
  const bool secure = listen_url.rfind("wss://", 0) == 0;
  const auto file_of = [&](const char* name) {
    return spec.contains(name) && spec[name].is_string() ? spec[name].get<std::string>() : "";
  };
  o.tls_cert = file_of("cert");
  o.tls_key = file_of("key");
  if (secure != (!o.tls_cert.empty() && !o.tls_key.empty()) ||
      (!secure && (spec.contains("cert") || spec.contains("key")))) {
    err << "wsspec: " << path
        << ": a wss:// \"url\" needs \"cert\" and \"key\" files, and only it takes them\n";
    return exit_usage;
  }
  std::string address = listen_url.substr(secure ? 6 : listen_url.rfind("ws://", 0) == 0 ? 5 : 0);
  if (!secure && listen_url.rfind("ws://", 0) != 0) address.clear();
  address = address.substr(0, address.find('/'));
  if (address.find(':') == std::string::npos || address.back() == ']') address += ":80";
  if (!parse_listen(address, plan.host, plan.port)) {
    err << "wsspec: " << path << ": \"url\" must be ws://HOST:PORT (or wss://) to listen on, not "
        << listen_url << "\n";
    return exit_usage;
  }
  spec_selection sel;
  if (!read_spec_selection(spec, "./reports/clients", sel, err)) return exit_usage;
  plan.out_dir = sel.outdir;
  for (const auto& c : harness::builtin_catalogue().cases())
    if (harness::applies_to(c.roles, ref::role::client) && sel.selects(c)) plan.cases.push_back(&c);
  if (plan.cases.empty()) {
    err << "wsspec: " << path << ": no client case matches the spec's cases\n";
    return exit_usage;
  }
  plan.skip = [cases = plan.cases, sel](const std::string& agent, std::size_t index) {
    return sel.excluded_for(agent, *cases[index]);
  };
  o.cases = sel.cases;
  o.exclude = sel.exclude;
  return serve_and_report(o, plan, out, err);
}

}  // namespace wsspec::cli
