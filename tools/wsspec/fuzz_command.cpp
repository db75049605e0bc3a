#include "fuzz_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "wsspec/harness/case_json.hpp"
#include "wsspec/harness/fuzz_campaign.hpp"
#include "wsspec/harness/oracle.hpp"
#include "wsspec/harness/selector.hpp"
#include "wsspec/reference/url.hpp"
#include "wsspec/reports/json.hpp"
#include "wsspec/version.hpp"

namespace wsspec::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::atomic<bool>* interrupt_flag = nullptr;

void on_interrupt(int) {
  if (interrupt_flag) interrupt_flag->store(true);
}

// Ctrl-C (and SIGTERM) stop the campaign after the sessions in progress, for as long as it runs.
class interrupt_scope {
 public:
  explicit interrupt_scope(std::atomic<bool>& flag) {
    interrupt_flag = &flag;
    old_int_ = std::signal(SIGINT, on_interrupt);
    old_term_ = std::signal(SIGTERM, on_interrupt);
  }
  ~interrupt_scope() {
    std::signal(SIGINT, old_int_);
    std::signal(SIGTERM, old_term_);
    interrupt_flag = nullptr;
  }
  interrupt_scope(const interrupt_scope&) = delete;
  interrupt_scope& operator=(const interrupt_scope&) = delete;

 private:
  void (*old_int_)(int) = SIG_DFL;
  void (*old_term_)(int) = SIG_DFL;
};

// A finding's file name: its key, with what is not a letter, digit or '_' as '-'.
std::string finding_file(const std::string& key) {
  std::string name;
  for (char ch : key)
    name += (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_') ? ch : '-';
  return name + ".json";
}

// What --resume reads back: the campaign's settings and where it stopped.
struct saved_campaign {
  std::string target;
  std::uint64_t seed = 1;
  std::vector<std::string> cases;
  std::vector<std::string> exclude;
  reports::fuzz_summary summary;
  std::vector<std::string> keys;
};

json campaign_json(const saved_campaign& s) {
  return {{"tool_version", version()},
          {"target", s.target},
          {"seed", s.seed},
          {"cases", s.cases},
          {"exclude", s.exclude},
          {"next_run", s.summary.next_run},
          {"runs", s.summary.runs},
          {"undecided", s.summary.undecided},
          {"informational", s.summary.informational},
          {"wall_ms", s.summary.wall_ms},
          {"target_died", s.summary.target_died},
          {"findings", s.summary.findings},
          {"kinds", s.summary.kinds}};
}

bool read_campaign(const fs::path& dir, saved_campaign& s, reports::report& previous,
                   std::ostream& err) {
  std::ifstream f(dir / "campaign.json");
  if (!f) {
    err << "wsspec: --resume: cannot read " << (dir / "campaign.json").string() << "\n";
    return false;
  }
  try {
    const json j = json::parse(f);
    s.target = j.at("target").get<std::string>();
    s.seed = j.at("seed").get<std::uint64_t>();
    s.cases = j.at("cases").get<std::vector<std::string>>();
    s.exclude = j.at("exclude").get<std::vector<std::string>>();
    s.summary.next_run = j.at("next_run").get<std::uint64_t>();
    s.summary.runs = j.at("runs").get<std::uint64_t>();
    s.summary.undecided = j.at("undecided").get<std::uint64_t>();
    s.summary.informational = j.at("informational").get<std::uint64_t>();
    s.summary.wall_ms = j.at("wall_ms").get<std::uint64_t>();
    s.summary.target_died = j.at("target_died").get<bool>();
    s.summary.findings = j.at("findings").get<std::map<std::string, std::uint64_t>>();
    s.summary.kinds = j.at("kinds").get<std::map<std::string, std::uint64_t>>();
  } catch (const std::exception& e) {
    err << "wsspec: --resume: " << (dir / "campaign.json").string() << ": " << e.what() << "\n";
    return false;
  }
  std::ifstream r(dir / "results.json");
  if (r) {
    try {
      previous = reports::read_json(r);
    } catch (const std::exception& e) {
      err << "wsspec: --resume: " << (dir / "results.json").string() << ": " << e.what() << "\n";
      return false;
    }
  }
  return true;
}

std::string seconds(std::uint64_t ms) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << static_cast<double>(ms) / 1000.0 << " s";
  return s.str();
}

}  // namespace

bool parse_duration(const std::string& text, std::uint64_t& ms) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 12) return false;
  const std::uint64_t n = std::stoull(text.substr(0, digits));
  const std::string unit = text.substr(digits);
  if (unit.empty() || unit == "s") {
    ms = n * 1000;
  } else if (unit == "ms") {
    ms = n;
  } else if (unit == "m") {
    ms = n * 60'000;
  } else if (unit == "h") {
    ms = n * 3'600'000;
  } else {
    return false;
  }
  return ms > 0;
}

int fuzz(const fuzz_options& o, std::ostream& out, std::ostream& err, std::atomic<bool>* stop) {
  saved_campaign saved;
  reports::report previous;
  const bool resuming = !o.resume.empty();
  if (resuming && !read_campaign(o.resume, saved, previous, err)) return exit_usage;
  const std::string target = resuming && o.url.empty() ? saved.target : o.url;
  if (target.empty()) {
    err << "wsspec: fuzz needs the server's URL (or --resume DIR)\n";
    return exit_usage;
  }
  ref::ws_url url;
  std::string why;
  if (!ref::parse_ws_url(target, url, why)) {
    err << "wsspec: " << why << "\n";
    return exit_usage;
  }
  std::uint64_t duration_ms = 0;
  if (!o.duration.empty() && !parse_duration(o.duration, duration_ms)) {
    err << "wsspec: --duration takes a time such as 60s, 5m, 500ms or 1h\n";
    return exit_usage;
  }
  if (!url.secure && (!o.ca_file.empty() || o.insecure || !o.client_cert.empty())) {
    err << "wsspec: --ca, --insecure and --client-cert are for wss:// URLs\n";
    return exit_usage;
  }
  std::shared_ptr<ref::asio::tls_context> tls;
  if (url.secure && !make_client_tls(o.ca_file, o.insecure, o.client_cert, o.client_key, tls, err))
    return exit_usage;
  const std::string out_dir = resuming ? o.resume : o.out_dir;
  if (!resuming) {
    saved.target = target;
    saved.seed = o.seed;
    saved.cases = o.cases;
    saved.exclude = o.exclude;
  }

  harness::selection sel;
  sel.include = saved.cases;
  sel.exclude = saved.exclude;
  sel.target = ref::role::server;
  std::vector<std::string> unmatched;
  const auto& cat = harness::builtin_catalogue();
  auto bases = harness::select(cat.cases(), sel, unmatched);
  if (!unmatched.empty()) {
    err << "wsspec: no case matches '" << unmatched.front() << "' (see wsspec list)\n";
    return exit_usage;
  }
  // Performance and compression cases are left out: their sessions are long, and the campaign
  // does not negotiate permessage-deflate.
  std::erase_if(bases, [](const harness::case_def* c) { return !harness::fuzzing::fuzzable(*c); });
  if (bases.empty()) {
    err << "wsspec: the selection has no case to fuzz\n";
    return exit_usage;
  }

  std::atomic<bool> own_stop{false};
  std::atomic<bool>& stopping = stop ? *stop : own_stop;
  harness::fuzzing::campaign_options co;
  co.host = url.host;
  co.port = url.port;
  co.host_header = url.host_header();
  co.resource = url.resource;
  co.tls = tls;
  co.seed = saved.seed;
  co.first_run = saved.summary.next_run;
  co.runs = o.runs;
  co.duration = std::chrono::milliseconds(duration_ms);
  co.jobs = std::max<std::size_t>(1, o.jobs);
  co.threads = o.threads
                   ? o.threads
                   : std::min<std::size_t>(2, std::max(1u, std::thread::hardware_concurrency()));
  co.close_timeout = std::chrono::milliseconds(o.timeout_ms);
  co.budget = std::chrono::milliseconds(std::max<std::uint64_t>(1000, 3 * o.timeout_ms));
  co.time_scale = o.slow;
  co.liveness = !o.no_liveness;
  co.bases = bases;
  co.cat = &cat;
  for (const auto& [key, n] : saved.summary.findings) co.known.insert(key);
  co.stop = &stopping;
  const bool terminal = &out == &std::cout && ::isatty(STDOUT_FILENO);
  const std::string started_at = now_iso();
  const auto started = std::chrono::steady_clock::now();
  auto last_line = started;
  co.on_progress = [&](std::uint64_t runs, std::size_t findings) {
    if (o.quiet) return;
    const auto now = std::chrono::steady_clock::now();
    if (!terminal && now - last_line < std::chrono::seconds(10)) return;
    last_line = now;
    const auto ms = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(now - started).count());
    out << (terminal ? "\r" : "") << "runs " << runs << "  " << (ms ? runs * 1000 / ms : 0)
        << "/s  findings " << findings << "  elapsed " << seconds(ms) << (terminal ? "   " : "\n")
        << std::flush;
  };
  if (!o.quiet)
    out << "wsspec fuzz " << target << ": seed " << saved.seed << ", from run " << co.first_run
        << ", " << bases.size() << " cases to mutate, " << co.jobs << " sessions at once"
        << (resuming ? " (resumed)" : "") << "\n";

  harness::fuzzing::campaign_result result;
  {
    interrupt_scope scope(stopping);
    result = harness::fuzzing::run_campaign(co);
  }
  if (terminal && !o.quiet) out << "\n";
  if (result.unreachable) {
    err << "wsspec: the target could not be reached: " << result.unreachable_reason << "\n";
    return exit_usage;
  }

  // What the campaign found, kept whatever happens next.
  std::error_code ec;
  fs::create_directories(fs::path(out_dir) / "findings", ec);
  bool written = true;
  for (const auto& f : result.findings) {
    json file = json::array({harness::to_json(f.found)});
    written = written && write_file(
                             fs::path(out_dir) / "findings" / finding_file(f.key),
                             [&](std::ostream& s) {
                               s << file.dump(1, ' ', false, json::error_handler_t::replace)
                                 << "\n";
                             },
                             err);
  }
  auto& summary = saved.summary;
  summary.runs += result.runs;
  summary.undecided += result.undecided;
  summary.informational += result.informational;
  summary.next_run = result.next_run;
  summary.wall_ms += static_cast<std::uint64_t>(result.wall.count());
  summary.target_died = summary.target_died || result.target_died;
  for (const auto& [k, n] : result.occurrences) summary.findings[k] += n;
  for (const auto& [k, n] : result.kinds) summary.kinds[k] += n;
  written =
      written && write_file(
                     fs::path(out_dir) / "campaign.json",
                     [&](std::ostream& s) { s << campaign_json(saved).dump(1) << "\n"; }, err);

  reports::report rep;
  rep.agents.emplace_back();
  auto& a = rep.agents.front();
  if (!previous.agents.empty()) a.results = std::move(previous.agents.front().results);
  for (const auto& f : result.findings) a.results.push_back(f.result);
  a.info.tool_version = version();
  a.info.target = target;
  a.info.role = "server";
  a.info.agent = o.agent.empty() ? url.host_header() : o.agent;
  a.info.seed = saved.seed;
  a.info.selection = saved.cases;
  a.info.exclude = saved.exclude;
  a.info.jobs = co.jobs;
  a.info.time_scale = o.slow;
  a.info.close_timeout_ms = o.timeout_ms;
  a.info.started = started_at;
  a.info.wall_ms = summary.wall_ms;
  a.info.tls_unverified = url.secure && o.insecure;
  a.info.fuzz = summary;

  out << result.runs << " sessions in " << seconds(static_cast<std::uint64_t>(result.wall.count()))
      << " ("
      << (result.wall.count() ? result.runs * 1000 / static_cast<std::uint64_t>(result.wall.count())
                              : 0)
      << "/s), " << result.undecided << " undecided, " << result.findings.size()
      << (result.findings.size() == 1 ? " new finding" : " new findings") << "\n";
  for (const auto& f : result.findings)
    out << "  " << harness::to_string(harness::fuzzing::finding_level(f.result)) << "  " << f.key
        << "  " << (fs::path(out_dir) / "findings" / finding_file(f.key)).string() << "\n    "
        << f.found.rfc << " §" << f.found.section << ": " << f.found.description << "\n";
  if (result.target_died) out << "The target stopped echoing: the campaign stopped.\n";
  if (!write_reports(rep, out_dir, false, "", out, err) || !written) return exit_usage;
  if (stopping.load()) out << "Stopped; go on with: wsspec fuzz --resume " << out_dir << "\n";
  const bool must = std::any_of(a.results.begin(), a.results.end(), [](const auto& r) {
    return harness::fuzzing::finding_level(r) == harness::verdict::failed;
  });
  return must || summary.target_died ? exit_failed : exit_ok;
}

}  // namespace wsspec::cli
