#include "wsspec/harness/fuzz_campaign.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <optional>
#include <thread>

#include "wsspec/harness/minimise.hpp"
#include "wsspec/harness/oracle.hpp"
#include "wsspec/harness/runner.hpp"
#include "wsspec/reference/close_code.hpp"

namespace wsspec::harness::fuzzing {

namespace {

using clock_type = std::chrono::steady_clock;

// The reference echo server's configuration, as `wsspec echo-server --no-deflate` runs it: the
// campaign leaves permessage-deflate out.
ref::connection_config reference_server() {
  ref::connection_config c;
  c.self = ref::role::server;
  c.accept_any_subprotocol = true;
  c.deflate.enabled = false;
  return c;
}

// A plain echo: the target still works.
case_def liveness_case() {
  case_def c;
  c.id = "rfc6455/6.2/fuzz-liveness";
  c.section = "6.2";
  c.description = "a plain text message is echoed";
  c.steps.push_back(send_frames{{text("wsspec liveness")}});
  c.expect.outcomes = {ok({text_message("wsspec liveness")})};
  c.budget = std::chrono::milliseconds(2000);
  return c;
}

// One stimulus judged: the reference's run, the case derived from it and the target's result.
struct judged {
  reference_run reference;
  std::optional<case_def> expected;  // none: the reference's run decided nothing
  case_result result;
  verdict level = verdict::ok;
  std::string key;
  bool unreachable = false;
};

class campaign {
 public:
  explicit campaign(const campaign_options& o) : o_(o), next_(o.first_run) {
    result_.next_run = o.first_run;
    for (const auto& k : o.known) seen_.insert(k);
  }

  campaign_result run() {
    const auto start = clock_type::now();
    deadline_ = o_.duration.count() > 0 ? start + o_.duration : clock_type::time_point::max();
    if (!probe()) return std::move(result_);
    const std::size_t threads = std::max<std::size_t>(1, std::min(o_.threads, o_.jobs));
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < threads; ++t) {
      const std::size_t jobs = o_.jobs / threads + (t < o_.jobs % threads ? 1 : 0);
      pool.emplace_back([this, jobs] { run_thread(jobs); });
    }
    for (auto& t : pool) t.join();
    result_.wall = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start);
    result_.next_run = std::max(result_.next_run, next_.load());
    if (o_.runs > 0) result_.next_run = std::min(result_.next_run, o_.first_run + o_.runs);
    return std::move(result_);
  }

 private:
  // A target that cannot be reached at all is a usage problem, not a finding.
  bool probe() {
    net::io_context ioc(1);
    bool ok = false;
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
          std::string why;
          address_ = {o_.host, o_.port, {}};
          std::unique_ptr<transport> t;
          if (co_await resolve(address_, why)) t = co_await connect(why);
          if (!t) {
            result_.unreachable = true;
            result_.unreachable_reason = why;
            co_return;
          }
          t->close();
          ok = true;
        },
        [](std::exception_ptr) {});
    ioc.run();
    return ok;
  }

  void run_thread(std::size_t jobs) {
    net::io_context ioc(1);
    for (std::size_t j = 0; j < jobs; ++j)
      net::co_spawn(ioc, job(), [this](std::exception_ptr e) {
        if (!e) return;
        std::lock_guard lock(mutex_);
        ++result_.harness_errors;
      });
    ioc.run();
  }

  bool stopping() const {
    return died_.load() || (o_.stop && o_.stop->load()) || clock_type::now() >= deadline_;
  }

  // Takes the next run's index, or none when the campaign is over.
  std::optional<std::uint64_t> take() {
    if (stopping()) return std::nullopt;
    const std::uint64_t i = next_.fetch_add(1);
    if (o_.runs > 0 && i >= o_.first_run + o_.runs) return std::nullopt;
    return i;
  }

  net::awaitable<std::unique_ptr<transport>> connect(std::string& why) {
    if (o_.tls) co_return co_await connect_tls(address_, o_.tls, o_.connect_timeout, why);
    co_return co_await connect_tcp(address_, o_.connect_timeout, why);
  }

  session_config config(std::uint64_t seed) const {
    session_config sc;
    sc.target = ref::role::server;
    sc.host_header = o_.host_header;
    sc.resource = o_.resource;
    sc.seed = seed;
    sc.close_timeout = o_.close_timeout;
    sc.handshake_timeout = o_.close_timeout * 4;
    sc.time_scale = o_.time_scale;
    return sc;
  }

  net::awaitable<reference_run> run_reference(const case_def& stimulus, std::uint64_t seed) {
    reference_run out;
    auto ex = co_await net::this_coro::executor;
    auto peer = make_reference_peer(
        ex, reference_server(), [&](ref::error e) { out.failures.push_back(e); },
        [&](const ref::message_event& m) {
          out.echoed.emplace_back(static_cast<std::uint8_t>(m.op), m.data);
        });
    session_config sc = config(seed);
    sc.host_header = "127.0.0.1";
    sc.resource = "/";
    // The reference answers at once: its side of a closing handshake takes no waiting.
    sc.close_timeout = std::chrono::milliseconds(50);
    sc.time_scale = 1.0;
    out.log.target = ref::role::server;
    co_await run_recorded(stimulus, *peer, sc, out.log);
    co_return out;
  }

  net::awaitable<judged> judge(const case_def& stimulus, const case_def* base, std::uint64_t seed) {
    judged j;
    j.reference = co_await run_reference(stimulus, seed);
    const case_def* judged_stimulus = &stimulus;
    std::optional<case_def> cut;
    if (!j.reference.failures.empty() && j.reference.log.handshake_complete &&
        (cut = before_first_close(stimulus))) {
      auto again = co_await run_reference(*cut, seed);
      if (!again.failures.empty() && again.failures.front() == j.reference.failures.front()) {
        j.reference = std::move(again);
        judged_stimulus = &*cut;
      }
    }
    j.expected = expect_as_reference(*judged_stimulus, j.reference, base, *o_.cat);
    if (!j.expected) co_return j;
    transcript tr;
    tr.target = ref::role::server;
    std::string why;
    auto t = co_await connect(why);
    if (!t) {
      tr.connect_error = why;
      j.unreachable = true;
    } else {
      co_await run_recorded(*j.expected, *t, config(seed), tr);
    }
    if (tr.deflate_agreed) {
      // The target agreed permessage-deflate (offered by a mutated request) where the reference,
      // which the campaign runs without it, declined: the runs are not comparable.
      j.expected.reset();
      co_return j;
    }
    const bool over_limit =
        tr.close && tr.close->code == ref::close_code::too_big && !tr.harness_closed_first &&
        !(j.reference.log.close && j.reference.log.close->code == tr.close->code);
    if (over_limit) {
      // The target refused a message over a size limit of its own (RFC 6455 §10.4 leaves limits
      // to each implementation, and 1009 says so): nothing to compare with the reference.
      j.expected.reset();
      co_return j;
    }
    j.result = evaluate(*j.expected, tr);
    j.result.log = std::move(tr);
    j.level = finding_level(j.result);
    if (j.level != verdict::ok) j.key = finding_key(j.result, j.reference);
    co_return j;
  }

  // Whether the target still echoes a plain message; asked twice before it counts as dead.
  net::awaitable<bool> alive(std::uint64_t seed) {
    static const case_def plain = liveness_case();
    for (int attempt = 0; attempt < 2; ++attempt) {
      std::string why;
      auto t = co_await connect(why);
      if (t) {
        transcript tr;
        co_await run_recorded(plain, *t, config(seed), tr);
        const auto r = evaluate(plain, tr);
        if (r.behavior == verdict::ok) co_return true;
      }
      net::steady_timer wait(co_await net::this_coro::executor);
      wait.expires_after(std::chrono::milliseconds(200));
      co_await wait.async_wait(net::as_tuple(net::use_awaitable));
    }
    co_return false;
  }

  net::awaitable<void> job() {
    while (auto index = take()) {
      const std::uint64_t seed = run_seed(o_.seed, *index);
      generator g(seed);
      const case_def* base = o_.bases[g.below(o_.bases.size())];
      case_def stimulus = mutate_case(*base, g, o_.limits, 1 + g.below(o_.max_rounds));
      stimulus.budget = o_.budget;
      pin_mask_keys(stimulus, g);
      {
        std::lock_guard lock(mutex_);
        count_kinds(stimulus, result_.kinds);
      }
      judged j;
      std::string fault;
      try {
        j = co_await judge(stimulus, base, seed);
      } catch (const std::exception& e) {
        fault = e.what();
      }
      if (!fault.empty()) {
        // A fault of wsspec on this stimulus: counted and shown, never a finding.
        std::lock_guard lock(mutex_);
        ++result_.runs;
        ++result_.harness_errors;
        if (result_.harness_error_samples.size() < 8)
          result_.harness_error_samples.push_back("run " + std::to_string(*index) + " (" +
                                                  base->id + "): " + fault);
        continue;
      }
      bool fresh = false;
      {
        std::lock_guard lock(mutex_);
        ++result_.runs;
        if (!j.expected) ++result_.undecided;
        if (j.expected && j.result.behavior == verdict::error) {
          ++result_.harness_errors;
          if (result_.harness_error_samples.size() < 8)
            result_.harness_error_samples.push_back(
                "run " + std::to_string(*index) + " (" + base->id + "): " +
                (j.result.reasons.empty() ? std::string("?") : j.result.reasons.front().text));
        }
        if (j.level == verdict::ok && j.result.behavior == verdict::informational)
          ++result_.informational;
        if (!j.key.empty()) {
          ++result_.occurrences[j.key];
          fresh = seen_.insert(j.key).second;
        }
      }
      if (fresh) co_await keep(std::move(stimulus), base, seed, *index, std::move(j));
      if (o_.liveness && !died_.load() && !co_await alive(seed)) {
        // A crash, a hang or a refusal of new connections: a finding of its own, kept with the
        // session that preceded it.
        died_ = true;
        std::lock_guard lock(mutex_);
        result_.target_died = true;
        const std::string key = "target_stopped_echoing/liveness";
        ++result_.occurrences[key];
        if (seen_.insert(key).second) {
          fuzz_finding f;
          f.key = key;
          f.found = stimulus;
          f.found.id = "rfc6455/6.2/fuzz-liveness-after-run-" + std::to_string(*index);
          f.found.section = "6.2";
          f.found.description =
              "after this session, the target no longer echoed a plain message on a new "
              "connection";
          f.result.id = f.found.id;
          f.result.rfc = f.found.rfc;
          f.result.section = f.found.section;
          f.result.description = f.found.description;
          f.result.behavior = verdict::failed;
          f.result.close = close_verdict::failed;
          f.result.reasons.push_back(
              {"target_stopped_echoing", verdict::failed,
               "after this session the target did not echo a plain message on a new connection "
               "(it crashed, hangs, or refuses connections)"});
          f.run = *index;
          f.base = base->id;
          result_.findings.push_back(std::move(f));
        }
      }
      progress();
    }
  }

  // Minimises a new finding: reductions of the stimulus are tried, smallest change first, and
  // each one that still gives the same finding is kept.
  net::awaitable<void> keep(case_def stimulus, const case_def* base, std::uint64_t seed,
                            std::uint64_t index, judged j) {
    const std::string key = j.key;
    std::size_t attempts = 0, kept = 0;
    for (bool smaller = true; smaller && attempts < o_.minimise_attempts && !stopping();) {
      smaller = false;
      for (auto& candidate : reductions(stimulus)) {
        if (attempts++ >= o_.minimise_attempts || stopping()) break;
        judged k = co_await judge(candidate, base, seed);
        if (k.key != key) continue;
        stimulus = std::move(candidate);
        j = std::move(k);
        ++kept;
        smaller = true;
        break;
      }
    }
    fuzz_finding f;
    f.key = key;
    f.found = std::move(*j.expected);
    f.found.id = "rfc" + std::string(f.found.rfc == "RFC 7692" ? "7692" : "6455") + "/" +
                 f.found.section + "/fuzz-" + std::to_string(index);
    f.found.source_file.clear();
    f.found.source_line = 0;
    f.result = std::move(j.result);
    f.result.id = f.found.id;
    f.run = index;
    f.base = base->id;
    f.minimise_steps = kept;
    std::lock_guard lock(mutex_);
    result_.findings.push_back(std::move(f));
  }

  void progress() {
    if (!o_.on_progress) return;
    std::lock_guard lock(mutex_);
    const auto now = clock_type::now();
    if (now - last_progress_ < std::chrono::milliseconds(250)) return;
    last_progress_ = now;
    o_.on_progress(result_.runs, result_.findings.size());
  }

  const campaign_options& o_;
  target_address address_;  // resolved once, by the probe
  std::atomic<std::uint64_t> next_;
  std::atomic<bool> died_{false};
  clock_type::time_point deadline_;
  std::mutex mutex_;
  std::set<std::string> seen_;
  campaign_result result_;
  clock_type::time_point last_progress_{};
};

}  // namespace

campaign_result run_campaign(const campaign_options& options) {
  campaign c(options);
  return c.run();
}

}  // namespace wsspec::harness::fuzzing
