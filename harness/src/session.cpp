#include "wsspec/harness/session.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <deque>
#include <memory>
#include <optional>
#include <random>

#include "wsspec/harness/observer.hpp"
#include "wsspec/harness/opening_handshake.hpp"
#include "wsspec/harness/plan.hpp"
#include "wsspec/harness/recorder.hpp"
#include "wsspec/reference/close_code.hpp"
#include "wsspec/reference/frame_decoder.hpp"
#include "wsspec/reference/handshake.hpp"
#include "wsspec/reference/mask.hpp"

namespace wsspec::harness {

using namespace net::experimental::awaitable_operators;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t max_pending = 1 << 20;  // bytes queued for a target that does not read

// A wake-up for a single waiter: it sleeps until notified or until its deadline.
class signal {
 public:
  explicit signal(net::any_io_executor ex) : timer_(std::move(ex)) {}
  // True when woken by notify(), false at the deadline.
  net::awaitable<bool> wait_until(clock_type::time_point deadline) {
    timer_.expires_at(deadline);
    auto [ec] = co_await timer_.async_wait(use_tuple);
    co_return ec == net::error::operation_aborted;
  }
  void notify() { timer_.cancel(); }

 private:
  net::steady_timer timer_;
};

std::string render(const ref::http_head& h) {
  std::string s;
  if (h.is_request) {
    s = h.method + " " + h.target + " HTTP/" + std::to_string(h.version_major) + "." +
        std::to_string(h.version_minor);
  } else {
    s = "HTTP/" + std::to_string(h.version_major) + "." + std::to_string(h.version_minor) + " " +
        std::to_string(h.status) + " " + h.reason;
  }
  s += "\r\n";
  for (const auto& f : h.fields) s += f.name + ": " + f.value + "\r\n";
  return s + "\r\n";
}

class runner_state {
 public:
  runner_state(const case_def& c, transport& t, const session_config& cfg, transcript& out,
               net::any_io_executor ex)
      : c_(c),
        t_(t),
        cfg_(cfg),
        tr_(out),
        // A case of many alike messages logs only its start, as a performance case does.
        rec_(out, c.performance || streams_messages(c) ? performance_limits() : recorder_limits{}),
        self_(ref::peer_of(cfg.target)),
        observer_(rec_, self_, cfg.max_message_size),
        rx_signal_(ex),
        tx_signal_(ex),
        drained_signal_(ex),
        sleep_(ex),
        write_timer_(ex),
        rng_(cfg.seed ^ std::hash<std::string>{}(c.id)) {
    start_ = clock_type::now();
    budget_deadline_ = start_ + scaled(c.budget);
  }

  net::awaitable<void> run() {
    tr_.target = cfg_.target;
    tr_.connected = true;
    log(entry_kind::connected, "connected");
    if (cfg_.target == ref::role::server) {
      co_await client_handshake();
    } else {
      co_await server_handshake();
    }
    if (tr_.handshake_complete && !ended()) {
      if (!leftover_.empty()) {
        auto bytes = std::move(leftover_);
        react(observer_.feed(bytes, now()));
      }
      co_await (reader() && writer() && driver());
    }
    if (!tcp_closed_) close_tcp();
    tr_.duration = now();
  }

 private:
  // ----- time -------------------------------------------------------------------------------
  clock_type::duration scaled(std::chrono::milliseconds d) const {
    return std::chrono::duration_cast<clock_type::duration>(d * cfg_.time_scale);
  }
  micros now() const { return std::chrono::duration_cast<micros>(clock_type::now() - start_); }
  clock_type::time_point bounded(clock_type::time_point t) const {
    return std::min(t, budget_deadline_);
  }
  bool over_budget() const { return clock_type::now() >= budget_deadline_; }

  // ----- the log ----------------------------------------------------------------------------
  entry& log(entry_kind k, std::string text) { return rec_.log(k, std::move(text), now()); }
  void log_bytes(entry& e, std::span<const std::uint8_t> bytes) { rec_.keep_bytes(e, bytes); }
  void violation(ref::error e, std::string detail) { rec_.violation(e, std::move(detail), now()); }

  bool ended() const { return tr_.peer_eof_at || tr_.reset_at || tcp_closed_; }
  bool target_ended() const { return tr_.close || tr_.peer_eof_at || tr_.reset_at; }

  ref::mask_key next_key() {
    ref::mask_key k;
    const std::uint64_t v = rng_();
    for (int i = 0; i < 4; ++i) k[i] = static_cast<std::uint8_t>(v >> (8 * i));
    return k;
  }

  void close_tcp() {
    if (tcp_closed_) return;
    tcp_closed_ = true;
    if (!tr_.peer_eof_at && !tr_.reset_at) {
      tr_.we_closed_tcp_at = now();
      log(entry_kind::tcp_closed, "wsspec closed the TCP connection");
    }
    t_.close();
    stop_ = true;
    tx_signal_.notify();
    rx_signal_.notify();
  }

  // ----- raw writes (handshake phase, before the writer runs) ---------------------------------
  net::awaitable<bool> write_now(std::span<const std::uint8_t> bytes) {
    write_timer_.expires_at(bounded(clock_type::now() + scaled(cfg_.handshake_timeout)));
    auto r = co_await (t_.write(bytes) || write_timer_.async_wait(use_tuple));
    if (r.index() == 1) {
      log(entry_kind::timeout, "the target did not read what wsspec sent");
      co_return false;
    }
    if (auto ec = std::get<0>(r)) {
      tr_.reset_at = now();
      log(entry_kind::tcp_error, "write failed: " + ec.message());
      co_return false;
    }
    auto& e = log(entry_kind::tx_bytes, std::to_string(bytes.size()) + " bytes");
    log_bytes(e, bytes);
    tr_.tx_bytes += bytes.size();
    co_return true;
  }

  net::awaitable<bool> write_chopped(std::span<const std::uint8_t> bytes, std::size_t chop,
                                     std::chrono::milliseconds pause) {
    if (chop == 0) chop = bytes.size();
    for (std::size_t at = 0; at < bytes.size() || (bytes.empty() && at == 0); at += chop) {
      if (bytes.empty()) break;
      const std::size_t n = std::min(chop, bytes.size() - at);
      if (!co_await write_now(bytes.subspan(at, n))) co_return false;
      if (pause.count() > 0 && at + n < bytes.size()) co_await sleep_for(pause);
    }
    co_return true;
  }

  net::awaitable<void> sleep_for(std::chrono::milliseconds d) {
    sleep_.expires_at(bounded(clock_type::now() + scaled(d)));
    co_await sleep_.async_wait(use_tuple);
  }

  // Reads until the head is complete; bytes after it are kept for the frame reader.
  net::awaitable<std::optional<ref::http_head>> read_head(ref::http_head_parser::kind kind) {
    ref::http_head_parser parser(kind);
    std::vector<std::uint8_t> buf(16 * 1024);
    const auto deadline = bounded(clock_type::now() + scaled(cfg_.handshake_timeout));
    for (;;) {
      write_timer_.expires_at(deadline);
      auto r = co_await (t_.read_some(buf) || write_timer_.async_wait(use_tuple));
      if (r.index() == 1) {
        log(entry_kind::timeout, "no complete handshake within the deadline");
        co_return std::nullopt;
      }
      auto [ec, n] = std::get<0>(r);
      if (ec) {
        if (ec == net::error::eof) {
          tr_.peer_eof_at = now();
          log(entry_kind::tcp_fin, "the target closed the connection during the handshake");
          note_tls_close();
        } else {
          tr_.reset_at = now();
          log(entry_kind::tcp_error, "connection failed during the handshake: " + ec.message());
        }
        co_return std::nullopt;
      }
      auto data = std::span<const std::uint8_t>(buf.data(), n);
      auto& e = log(entry_kind::rx_bytes, std::to_string(n) + " bytes");
      log_bytes(e, data);
      tr_.rx_bytes += n;
      const auto pr = parser.feed(data);
      if (pr.status == ref::parse_status::error) {
        tr_.handshake_problem = pr.err;
        log(entry_kind::violation, std::string(ref::describe(pr.err))).violations.add(pr.err);
        co_return std::nullopt;
      }
      if (pr.status == ref::parse_status::done) {
        leftover_.assign(data.begin() + static_cast<std::ptrdiff_t>(pr.consumed), data.end());
        co_return parser.head();
      }
    }
  }

  // ----- the opening handshake, testing a server ----------------------------------------------
  net::awaitable<void> client_handshake() {
    const handshake_spec& hs = c_.handshake;
    std::array<std::uint8_t, 16> nonce{};
    for (auto& b : nonce) b = static_cast<std::uint8_t>(rng_());
    const planned_request request = plan_request(hs, cfg_.host_header, cfg_.resource, nonce);
    log(entry_kind::handshake_request, request.text);
    std::vector<std::uint8_t> bytes(request.text.begin(), request.text.end());
    for (const auto& f : hs.frames_with_request) append_frame(f, bytes, nullptr);
    tr_.handshake_sent = true;
    if (!co_await write_chopped(bytes, hs.chop, hs.pause)) co_return;

    auto head = co_await read_head(ref::http_head_parser::kind::response);
    if (!head) co_return;
    tr_.http_status = head->status;
    log(entry_kind::handshake_response, render(*head));
    tr_.peer_head = *head;
    tr_.deflate_offered = !request.deflate.empty();
    const judged_response judged = judge_response(*head, request);
    tr_.handshake_problem = judged.problem;
    if (judged.violation) violation(*judged.problem, "in the 101 response");
    if (judged.deflate) agree(*judged.deflate);
    tr_.handshake_complete = judged.complete;
  }

  // ----- the opening handshake, testing a client ----------------------------------------------
  net::awaitable<void> server_handshake() {
    auto head = co_await read_head(ref::http_head_parser::kind::request);
    if (!head) co_return;
    log(entry_kind::handshake_request, render(*head));
    tr_.peer_head = *head;
    const planned_answer answer = answer_request(*head, c_.handshake, c_.expect.requires_deflate);
    tr_.handshake_problem = answer.problem;
    if (answer.problem) violation(*answer.problem, "in the client's request");
    if (const std::string* key = head->find("Sec-WebSocket-Key"); key && cfg_.note_key) {
      tr_.key_reused_from = cfg_.note_key(*key, c_.id);
      if (tr_.key_reused_from)
        log(entry_kind::note, "the Sec-WebSocket-Key repeats the one of " + *tr_.key_reused_from);
    }
    if (!leftover_.empty()) {
      tr_.bytes_before_response = leftover_.size();
      log(entry_kind::note, std::to_string(leftover_.size()) +
                                " bytes came after the request, before wsspec's response");
    }
    tr_.deflate_offered = answer.deflate_offered;
    if (answer.deflate) agree(*answer.deflate);
    log(entry_kind::handshake_response, answer.text);
    tr_.http_status = answer.status;
    tr_.handshake_sent = true;
    const response_spec& rs = c_.handshake.response;
    std::vector<std::uint8_t> bytes(answer.text.begin(), answer.text.end());
    if (!answer.refused)
      for (const auto& f : rs.frames_with_response) append_frame(f, bytes, nullptr);
    if (!co_await write_chopped(bytes, answer.refused ? 0 : rs.chop, rs.pause)) co_return;
    // The client's request was valid and wsspec answered it as the case says: what the client
    // does with that answer (go on, or fail the connection) is what the case judges.
    tr_.handshake_complete = !answer.refused;
  }

  void agree(const ref::deflate_params& p) {
    tr_.deflate_agreed = true;
    const bool we_client = self_ == ref::role::client;
    const int tx_bits = we_client ? p.client_max_window_bits : p.server_max_window_bits;
    const bool tx_reset = we_client ? p.client_no_context_takeover : p.server_no_context_takeover;
    deflater_ = std::make_unique<ref::deflater>(tx_bits, tx_reset);
    observer_.agree(p);
  }

  // ----- sending ----------------------------------------------------------------------------
  void append_frame(const wire_frame& f, std::vector<std::uint8_t>& out,
                    const std::vector<std::uint8_t>* payload) {
    std::vector<std::uint8_t> compressed;
    wire_frame copy = f;
    if (f.compress && deflater_ && !payload) {
      deflater_->compress(f.payload.materialize(), compressed);
      payload = &compressed;
      copy.rsv1 = true;
    }
    const std::size_t before = out.size();
    if ((copy.opcode & 0x0f) == static_cast<std::uint8_t>(ref::opcode::close))
      note_close_sent(payload ? *payload : copy.payload.materialize());
    encode_wire_frame(copy, self_, next_key(), out, payload);
    auto& e = log(entry_kind::tx_frame, ref::opcode_name(copy.opcode) + " frame");
    // The header as sent, decoded back for the log.
    ref::frame_decoder d(ref::decoder_config{ref::peer_of(self_), true, 0x7});
    std::vector<std::uint8_t> head(out.begin() + static_cast<std::ptrdiff_t>(before),
                                   out.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                     out.size(), before + ref::max_header_size)));
    if (d.decode(head).status == ref::decode_status::header) e.header = d.header();
    const std::size_t header_size = std::min(out.size() - before, e.header.size());
    log_bytes(e, std::span<const std::uint8_t>(out).subspan(before + header_size));
    // The log shows payloads as the application sees them: unmasked, like received ones.
    if (e.header.masked) ref::apply_mask(e.bytes, e.header.key);
    e.size = out.size() - before - header_size;
  }

  // Whatever its form (masked or not, RSV bits, an invalid body), the first Close frame wsspec
  // writes starts its side of the closing handshake: the target's Close after it is an answer.
  void note_close_sent(const std::vector<std::uint8_t>& body) {
    if (tr_.close_sent_at) return;
    tr_.close_sent_at = now();
    tr_.harness_closed_first = !tr_.close.has_value();
    tr_.close_sent_by_step = in_steps_;
    if (body.size() >= 2) tr_.close_sent_code = static_cast<std::uint16_t>(body[0] << 8 | body[1]);
  }

  void queue(std::vector<std::uint8_t> bytes) {
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
    queued_total_ += bytes.size();
    tx_signal_.notify();
  }

  // Waits until everything queued so far is written (not what the reader queues meanwhile, such
  // as pongs for a target that pings without pause), bounded by the case's deadline.
  net::awaitable<void> flush() {
    const std::uint64_t target = queued_total_;
    const auto deadline = budget_deadline_ + scaled(cfg_.close_timeout);
    while (written_total_ < target && !write_failed_ && !stop_ && clock_type::now() < deadline)
      co_await drained_signal_.wait_until(deadline);
  }

  net::awaitable<void> send_bytes(std::vector<std::uint8_t> bytes, std::size_t chop,
                                  std::chrono::milliseconds pause) {
    if (chop == 0 || chop >= bytes.size()) {
      queue(std::move(bytes));
      co_await flush();
      co_return;
    }
    for (std::size_t at = 0; at < bytes.size() && !write_failed_ && !over_budget(); at += chop) {
      const std::size_t n = std::min(chop, bytes.size() - at);
      queue(std::vector<std::uint8_t>(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                                      bytes.begin() + static_cast<std::ptrdiff_t>(at + n)));
      co_await flush();
      if (pause.count() > 0 && at + n < bytes.size()) co_await sleep_for(pause);
    }
  }

  void queue_close(std::optional<std::uint16_t> code, std::string_view reason,
                   const std::optional<payload_spec>& raw) {
    wire_frame f;
    f.opcode = static_cast<std::uint8_t>(ref::opcode::close);
    if (raw) {
      f.payload = *raw;
    } else {
      auto body = ref::encode_close_payload(code, reason);
      f.payload = payload_spec::bytes(std::move(body));
    }
    std::vector<std::uint8_t> bytes;
    append_frame(f, bytes, nullptr);
    queue(std::move(bytes));
  }

  // ----- the writer ---------------------------------------------------------------------------
  net::awaitable<void> writer() {
    std::vector<std::uint8_t> out;
    for (;;) {
      while (pending_.empty()) {
        if (stop_) co_return;
        co_await tx_signal_.wait_until(clock_type::time_point::max());
      }
      if (stop_ || write_failed_) {
        pending_.clear();
        drained_signal_.notify();
        continue;
      }
      out.swap(pending_);
      pending_.clear();
      write_timer_.expires_at(budget_deadline_ + scaled(cfg_.close_timeout));
      auto r = co_await (t_.write(out) || write_timer_.async_wait(use_tuple));
      written_total_ += out.size();
      if (r.index() == 1) {
        write_failed_ = true;
        log(entry_kind::timeout, "the target stopped reading; wsspec gave up writing");
      } else if (auto ec = std::get<0>(r)) {
        write_failed_ = true;
        if (!stop_ && !tr_.peer_eof_at && !tr_.reset_at) {
          tr_.reset_at = now();
          log(entry_kind::tcp_error, "write failed: " + ec.message());
        }
      } else {
        auto& e = log(entry_kind::tx_bytes, std::to_string(out.size()) + " bytes");
        log_bytes(e, out);
        tr_.tx_bytes += out.size();
      }
      out.clear();
      drained_signal_.notify();
    }
  }

  // Over TLS: whether the target's end of the connection closed the TLS session first.
  void note_tls_close() {
    tr_.tls_session_closed = t_.peer_closed_tls_session();
    if (tr_.tls_session_closed == false)
      log(entry_kind::note,
          "the target closed TCP without closing the TLS session (no close_notify)");
  }

  // ----- the reader ---------------------------------------------------------------------------
  net::awaitable<void> reader() {
    std::vector<std::uint8_t> buf(64 * 1024);
    for (;;) {
      auto [ec, n] = co_await t_.read_some(buf);
      if (ec) {
        if (!stop_) {
          if (ec == net::error::eof) {
            tr_.peer_eof_at = now();
            log(entry_kind::tcp_fin, "the target closed its side of the TCP connection");
            note_tls_close();
          } else {
            tr_.reset_at = now();
            log(entry_kind::tcp_error, "the connection failed: " + ec.message());
          }
        }
        rx_signal_.notify();
        co_return;
      }
      auto& e = log(entry_kind::rx_bytes, std::to_string(n) + " bytes");
      log_bytes(e, std::span<const std::uint8_t>(buf.data(), n));
      tr_.rx_bytes += n;
      react(observer_.feed(std::span<std::uint8_t>(buf.data(), n), now()));
      rx_signal_.notify();
    }
  }

  // Answers what a conforming endpoint answers: a Ping with a Pong carrying the same data
  // (RFC 6455 §5.5.2), unless the target pings faster than it reads the answers; a Close with a
  // Close echoing a valid status code, or 1002 for an invalid Close (RFC 6455 §5.5.1).
  void react(const std::vector<observed_control>& controls) {
    for (const auto& c : controls) {
      if (tr_.close_sent_at || stop_) return;
      if (c.what == observed_control::kind::ping) {
        if (pending_.size() >= max_pending) continue;
        wire_frame f;
        f.opcode = 0xA;
        f.payload = payload_spec::bytes(c.payload);
        std::vector<std::uint8_t> bytes;
        append_frame(f, bytes, nullptr);
        queue(std::move(bytes));
      } else {
        queue_close(
            c.valid ? c.code : std::optional<std::uint16_t>(ref::close_code::protocol_error), {},
            std::nullopt);
      }
    }
  }

  // ----- the driver ---------------------------------------------------------------------------
  net::awaitable<void> wait_for(clock_type::time_point deadline, auto&& done) {
    deadline = bounded(deadline);
    while (!done() && !ended() && clock_type::now() < deadline) {
      co_await rx_signal_.wait_until(deadline);
    }
  }

  net::awaitable<void> run_step(const step& s) {
    if (auto* f = std::get_if<send_frames>(&s)) {
      std::vector<std::uint8_t> bytes;
      for (const auto& fr : f->frames) append_frame(fr, bytes, nullptr);
      co_await send_bytes(std::move(bytes), f->chop, f->pause);
    } else if (auto* r = std::get_if<send_raw>(&s)) {
      auto bytes = r->bytes.materialize();
      auto& e = log(entry_kind::note, "raw bytes");
      log_bytes(e, bytes);
      co_await send_bytes(std::move(bytes), r->chop, r->pause);
    } else if (auto* m = std::get_if<send_message>(&s)) {
      co_await send_bytes(encode_message(*m), 0, {});
    } else if (auto* p = std::get_if<pause_step>(&s)) {
      co_await sleep_for(p->duration);
    } else if (auto* a = std::get_if<await_step>(&s)) {
      co_await wait_for(clock_type::now() + scaled(a->timeout), [&] {
        return tr_.messages.size() >= a->messages && tr_.pongs.size() >= a->pongs;
      });
    } else if (auto* c = std::get_if<close_step>(&s)) {
      if (!tr_.close_sent_at) queue_close(c->code, c->reason, c->raw_payload);
      if (!c->then.empty()) {
        std::vector<std::uint8_t> bytes;
        for (const auto& fr : c->then) append_frame(fr, bytes, nullptr);
        queue(std::move(bytes));
      }
      co_await flush();
    } else if (std::get_if<shutdown_step>(&s)) {
      co_await flush();
      t_.shutdown_send();
      tr_.we_shut_down_at = now();
      log(entry_kind::note, "wsspec half-closed the TCP connection");
    } else if (auto* mk = std::get_if<mark_step>(&s)) {
      tr_.marks[mk->label] = now();
      log(entry_kind::mark, mk->label);
    } else if (auto* rt = std::get_if<round_trips_step>(&s)) {
      send_message msg{rt->opcode, rt->payload, 0, false};
      const auto bytes = encode_message(msg);
      const auto deadline = clock_type::now() + scaled(rt->timeout);
      const std::size_t base = tr_.messages.size();
      for (std::size_t i = 0; i < rt->count && !ended() && !over_budget(); ++i) {
        queue(bytes);
        co_await wait_for(deadline, [&] { return tr_.messages.size() >= base + i + 1; });
        if (tr_.messages.size() < base + i + 1) break;
      }
    } else if (auto* ms = std::get_if<message_stream>(&s)) {
      co_await run_stream(*ms);
    }
  }

  net::awaitable<void> run_steps(const case_ending& ending) {
    in_steps_ = true;
    for (const step& s : c_.steps) {
      // Once the target has closed (and wsspec has answered), the case sends nothing more:
      // RFC 6455 §5.5.1 allows no data frame after a Close frame.
      if (ended() || over_budget() || write_failed_ || tr_.close) break;
      co_await run_step(s);
    }
    in_steps_ = false;
    if (ending.until == case_ending::wait::target_ends) {
      co_await wait_for(budget_deadline_,
                        [&] { return target_ended() || tr_.messages.size() > ending.messages; });
      if (!target_ended() && !ended()) {
        log(entry_kind::timeout, "the target did not close the connection");
        tr_.budget_expired = over_budget();
      }
    } else {
      const auto arrived = [&] {
        return tr_.messages.size() >= ending.messages && tr_.pongs.size() >= ending.pongs;
      };
      co_await wait_for(budget_deadline_, [&] { return target_ended() || arrived(); });
      if (!target_ended() && !arrived()) {
        log(entry_kind::timeout, "the expected messages did not all arrive");
        tr_.budget_expired = over_budget();
      }
    }
  }

  // Message after message of a corpus stream, each once the previous one was echoed; the stream
  // stops at the first echo that does not come in time.
  net::awaitable<void> run_stream(const message_stream& ms) {
    const auto deadline = clock_type::now() + scaled(ms.timeout);
    const std::size_t base = tr_.messages.size();
    for (std::size_t i = 0; i < ms.count && !ended() && !over_budget() && !tr_.close; ++i) {
      send_message m{ms.opcode, payload_spec{}, ms.fragment, ms.compress};
      queue(encode_message(m, ms.message(i)));
      co_await wait_for(deadline, [&] { return tr_.messages.size() >= base + i + 1; });
      if (tr_.messages.size() < base + i + 1) break;
    }
  }

  std::vector<std::uint8_t> encode_message(const send_message& m) {
    return encode_message(m, m.payload.materialize());
  }

  std::vector<std::uint8_t> encode_message(const send_message& m,
                                           std::vector<std::uint8_t> payload) {
    bool rsv1 = false;
    if (m.compress && deflater_) {
      std::vector<std::uint8_t> z;
      deflater_->compress(payload, z);
      payload.swap(z);
      rsv1 = true;
    }
    std::vector<std::uint8_t> out;
    const std::size_t piece =
        m.fragment == 0 ? std::max<std::size_t>(payload.size(), 1) : m.fragment;
    std::size_t at = 0;
    bool first = true;
    do {
      const std::size_t n = std::min(piece, payload.size() - at);
      wire_frame f;
      f.opcode = first ? m.opcode : 0;
      f.rsv1 = first && rsv1;
      f.fin = at + n == payload.size();
      std::vector<std::uint8_t> part(payload.begin() + static_cast<std::ptrdiff_t>(at),
                                     payload.begin() + static_cast<std::ptrdiff_t>(at + n));
      f.payload.length = part.size();
      append_frame(f, out, &part);
      at += n;
      first = false;
    } while (at < payload.size());
    return out;
  }

  net::awaitable<void> driver() {
    case_ending ending = plan_ending(c_);
    if (deflate_unavailable(c_, tr_)) {
      // As Autobahn does for 12.x and 13.x: a case about compression is not run without it.
      log(entry_kind::note, "permessage-deflate was not agreed: the case's steps are not run");
      ending.close_code = ref::close_code::normal;
    } else {
      co_await run_steps(ending);
    }
    if (!tr_.close_sent_at && !ended() && !write_failed_) {
      queue_close(ending.close_code, {}, std::nullopt);
      co_await flush();
    }
    // The closing handshake: the target answers our Close, and (testing a server) closes TCP
    // first (RFC 6455 §7.1.1).
    const auto close_deadline = clock_type::now() + scaled(cfg_.close_timeout);
    if (cfg_.target == ref::role::server) {
      while (!ended() && clock_type::now() < close_deadline)
        co_await rx_signal_.wait_until(close_deadline);
      if (!ended()) log(entry_kind::timeout, "the server did not close the TCP connection");
    } else {
      while (!tr_.close && !ended() && clock_type::now() < close_deadline)
        co_await rx_signal_.wait_until(close_deadline);
      co_await flush();
      // RFC 6455 §7.1.1: the server closes TCP first, and the client SHOULD wait for it; a case
      // may hold the server's FIN back to see whether the client waits.
      const auto delay = c_.expect.close.server_close_delay;
      if (delay.count() > 0 && !ended()) {
        const auto until = clock_type::now() + scaled(delay);
        while (!ended() && clock_type::now() < until) co_await rx_signal_.wait_until(until);
      }
      if (!ended()) {
        t_.shutdown_send();
        tr_.we_shut_down_at = now();
        log(entry_kind::note, "wsspec half-closed the TCP connection");
      }
      const auto fin_deadline = clock_type::now() + scaled(cfg_.close_timeout);
      while (!ended() && clock_type::now() < fin_deadline)
        co_await rx_signal_.wait_until(fin_deadline);
    }
    close_tcp();
  }

  const case_def& c_;
  transport& t_;
  session_config cfg_;
  transcript& tr_;
  recorder rec_;
  ref::role self_;
  observer observer_;
  signal rx_signal_;
  signal tx_signal_;
  signal drained_signal_;
  net::steady_timer sleep_;
  net::steady_timer write_timer_;
  std::mt19937_64 rng_;
  clock_type::time_point start_;
  clock_type::time_point budget_deadline_;
  std::unique_ptr<ref::deflater> deflater_;
  std::vector<std::uint8_t> leftover_;
  std::vector<std::uint8_t> pending_;
  std::uint64_t queued_total_ = 0;
  std::uint64_t written_total_ = 0;
  bool write_failed_ = false;
  bool stop_ = false;
  bool tcp_closed_ = false;
  bool in_steps_ = false;
};

}  // namespace

net::awaitable<void> run_session(const case_def& c, transport& t, session_config config,
                                 transcript& out) {
  auto ex = co_await net::this_coro::executor;
  runner_state state(c, t, config, out, ex);
  co_await state.run();
}

net::awaitable<transcript> run_session(const case_def& c, transport& t, session_config config) {
  transcript out;
  co_await run_session(c, t, std::move(config), out);
  co_return out;
}

}  // namespace wsspec::harness
