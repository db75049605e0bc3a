#include "wsspec/harness/runner.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <optional>

namespace wsspec::harness {

using namespace net::experimental::awaitable_operators;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

class run_state {
 public:
  run_state(const std::vector<const case_def*>& cases, const run_options& o,
            net::any_io_executor ex)
      : cases_(cases), o_(o), results_(cases.size()), done_(std::move(ex)) {}

  net::awaitable<void> run() {
    // Probe once: a target that cannot be reached at all is a usage problem, not 300 failures.
    if (!o_.in_memory_peer) {
      std::string why;
      auto t = co_await connect(why);
      if (!t) {
        unreachable_ = true;
        reason_ = why;
        co_return;
      }
      t->close();
    }
    std::vector<std::size_t> regular, alone;
    for (std::size_t i = 0; i < cases_.size(); ++i)
      (cases_[i]->performance ? alone : regular).push_back(i);
    queue_ = std::move(regular);
    auto ex = co_await net::this_coro::executor;
    const std::size_t workers = std::max<std::size_t>(1, std::min(o_.jobs, queue_.size()));
    for (std::size_t w = 0; w < workers; ++w) {
      ++active_;
      net::co_spawn(ex, worker(), [this](std::exception_ptr) {
        if (--active_ == 0) done_.cancel();
      });
    }
    if (workers > 0 && !queue_.empty()) {
      done_.expires_at(std::chrono::steady_clock::time_point::max());
      while (active_ > 0) co_await done_.async_wait(use_tuple);
    }
    // Performance cases run alone, so that their figures are not shared with other cases.
    for (std::size_t i : alone) co_await run_one(i);
  }

  std::vector<case_result> take() { return std::move(results_); }
  bool unreachable() const { return unreachable_; }
  const std::string& reason() const { return reason_; }

 private:
  net::awaitable<std::unique_ptr<transport>> connect(std::string& why) {
    if (o_.tls) co_return co_await connect_tls(o_.host, o_.port, o_.tls, o_.connect_timeout, why);
    co_return co_await connect_tcp(o_.host, o_.port, o_.connect_timeout, why);
  }

  net::awaitable<void> worker() {
    while (next_ < queue_.size()) {
      const std::size_t i = queue_[next_++];
      co_await run_one(i);
    }
  }

  net::awaitable<void> run_one(std::size_t index) {
    const case_def& c = *cases_[index];
    auto ex = co_await net::this_coro::executor;
    transcript tr;
    tr.target = o_.target;
    std::unique_ptr<transport> t;
    if (o_.in_memory_peer) {
      t = o_.in_memory_peer(ex);
    } else {
      std::string why;
      t = co_await connect(why);
      if (!t) tr.connect_error = why;
    }
    if (t) {
      session_config sc;
      sc.target = o_.target;
      sc.host_header = o_.host_header;
      sc.resource = o_.resource;
      sc.seed = o_.seed;
      sc.close_timeout = o_.close_timeout;
      sc.time_scale = o_.time_scale;
      if (o_.target == ref::role::client)
        sc.note_key = [this](const std::string& key, const std::string& id) {
          return note_key(key, id);
        };
      co_await run_recorded(c, *t, sc, tr);
    }
    case_result r = evaluate(c, tr);
    r.log = std::move(tr);
    results_[index] = std::move(r);
    if (o_.on_result) o_.on_result(results_[index], index);
  }

  // The first case whose request carried `key`, when it is not this one.
  std::optional<std::string> note_key(const std::string& key, const std::string& id) {
    auto [it, fresh] = keys_.emplace(key, id);
    if (fresh || it->second == id) return std::nullopt;
    return it->second;
  }

  const std::vector<const case_def*>& cases_;
  const run_options& o_;
  std::map<std::string, std::string> keys_;
  std::vector<case_result> results_;
  std::vector<std::size_t> queue_;
  std::size_t next_ = 0;
  std::size_t active_ = 0;
  net::steady_timer done_;
  bool unreachable_ = false;
  std::string reason_;
};

}  // namespace

net::awaitable<void> run_recorded(const case_def& c, transport& t, session_config sc,
                                  transcript& tr) {
  auto ex = co_await net::this_coro::executor;
  // Every wait in a session is bounded; this outer bound only catches a fault of wsspec.
  const auto hard = std::chrono::duration_cast<std::chrono::milliseconds>(
      (c.budget + sc.handshake_timeout + 3 * sc.close_timeout) * sc.time_scale +
      std::chrono::seconds(5));
  net::steady_timer watchdog(ex);
  watchdog.expires_after(hard);
  try {
    auto r = co_await (run_session(c, t, std::move(sc), tr) || watchdog.async_wait(use_tuple));
    tr.connected = true;
    // The transcript so far is kept as evidence of where wsspec itself got stuck.
    if (r.index() == 1) tr.harness_error = "the case overran its hard deadline";
  } catch (const std::exception& e) {
    tr.connected = true;
    tr.harness_error = e.what();
  }
  t.close();
}

run_outcome run_cases(const std::vector<const case_def*>& cases, const run_options& options) {
  const auto start = std::chrono::steady_clock::now();
  net::io_context ioc(1);
  run_state state(cases, options, ioc.get_executor());
  std::exception_ptr failure;
  net::co_spawn(ioc, state.run(), [&](std::exception_ptr e) { failure = e; });
  ioc.run();
  if (failure) std::rethrow_exception(failure);
  run_outcome out;
  out.unreachable = state.unreachable();
  out.unreachable_reason = state.reason();
  out.results = state.take();
  out.wall = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  return out;
}

}  // namespace wsspec::harness
