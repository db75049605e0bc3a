#include "wsspec/reference/asio/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <climits>
#include <stdexcept>
#include <vector>

namespace wsspec::ref::asio {

namespace net = boost::asio;
using net::ip::tcp;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// ALPN's wire form of the one protocol spoken before the upgrade (RFC 7301 §3.1).
constexpr unsigned char alpn_http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

// Room in each direction of the BIO pair: a few full records.
constexpr std::size_t bio_room = 64 * 1024;

// The reason of the last OpenSSL error, or `fallback` when the queue is empty.
std::string openssl_reason(const char* fallback) {
  const unsigned long e = ERR_peek_last_error();
  if (e == 0) return fallback;
  const char* reason = ERR_reason_error_string(e);
  return reason ? reason : fallback;
}

boost::system::error_code ssl_error() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return net::error::access_denied;
  return {static_cast<int>(e), net::error::get_ssl_category()};
}

void check_file(const std::string& what, const std::string& file, const auto& load) {
  try {
    load();
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot use the " + what + " " + file + ": " +
                             openssl_reason(e.code().message().c_str()));
  }
}

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

int select_http11(SSL*, const unsigned char** out, unsigned char* out_length,
                  const unsigned char* in, unsigned int in_length, void*) {
  unsigned char* chosen = nullptr;
  if (SSL_select_next_proto(&chosen, out_length, alpn_http11, sizeof alpn_http11, in, in_length) !=
      OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

std::shared_ptr<tls_context> make_client_context(const tls_client_options& options) {
  auto ctx = std::make_shared<tls_context>(tls_context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  if (options.insecure) {
    ctx->set_verify_mode(net::ssl::verify_none);
  } else {
    ctx->set_verify_mode(net::ssl::verify_peer);
    if (options.ca_file.empty()) {
      check_file("system trust store", "", [&] { ctx->set_default_verify_paths(); });
    } else {
      check_file("CA file", options.ca_file, [&] { ctx->load_verify_file(options.ca_file); });
    }
  }
  if (!options.cert_file.empty()) {
    check_file("client certificate", options.cert_file,
               [&] { ctx->use_certificate_chain_file(options.cert_file); });
    const std::string& key = options.key_file.empty() ? options.cert_file : options.key_file;
    check_file("client key", key, [&] { ctx->use_private_key_file(key, tls_context::pem); });
  }
  return ctx;
}

std::shared_ptr<tls_context> make_server_context(const tls_server_options& options) {
  auto ctx = std::make_shared<tls_context>(tls_context::tls_server);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  check_file("certificate", options.cert_file,
             [&] { ctx->use_certificate_chain_file(options.cert_file); });
  check_file("key", options.key_file,
             [&] { ctx->use_private_key_file(options.key_file, tls_context::pem); });
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
    throw std::runtime_error("the key " + options.key_file +
                             " does not belong to the certificate " + options.cert_file);
  SSL_CTX_set_alpn_select_cb(ctx->native_handle(), select_http11, nullptr);
  return ctx;
}

struct tls_stream::state {
  tcp::socket socket;
  std::shared_ptr<tls_context> ctx;
  SSL* ssl = nullptr;
  BIO* net_bio = nullptr;  // our end of the pair: records to send, and records received
  bool client = false;
  std::string why;
  bool close_notify = false;
  bool tcp_eof = false;
  bool flushing = false;
  bool fin_after_flush = false;
  bool fin_sent = false;
  std::vector<std::uint8_t> out;
  std::vector<std::uint8_t> in;
  net::steady_timer flushed;

  state(tcp::socket s, std::shared_ptr<tls_context> c)
      : socket(std::move(s)), ctx(std::move(c)), flushed(socket.get_executor()) {
    ssl = SSL_new(ctx->native_handle());
    BIO* inner = nullptr;
    if (!ssl || BIO_new_bio_pair(&inner, bio_room, &net_bio, bio_room) != 1) {
      SSL_free(ssl);
      throw std::bad_alloc();
    }
    SSL_set_bio(ssl, inner, inner);
    SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
  }
  ~state() {
    SSL_free(ssl);
    BIO_free(net_bio);
  }
  state(const state&) = delete;
  state& operator=(const state&) = delete;

  // Sends every record waiting in the BIO, one flusher at a time (later callers wait for the
  // one in progress, which also sends their records). A FIN asked for goes after the records.
  static net::awaitable<boost::system::error_code> flush(std::shared_ptr<state> s) {
    // The flusher in progress cancels the timer when done, waking every waiter at once.
    while (s->flushing) co_await s->flushed.async_wait(use_tuple);
    s->flushing = true;
    s->flushed.expires_at(std::chrono::steady_clock::time_point::max());
    boost::system::error_code ec;
    while (BIO_ctrl_pending(s->net_bio) > 0) {
      s->out.resize(BIO_ctrl_pending(s->net_bio));
      const int n = BIO_read(s->net_bio, s->out.data(), static_cast<int>(s->out.size()));
      if (n <= 0) break;
      auto [wec, written] = co_await net::async_write(
          s->socket, net::buffer(s->out.data(), static_cast<std::size_t>(n)), use_tuple);
      if (wec) {
        ec = wec;
        break;
      }
    }
    s->flushing = false;
    s->flushed.cancel();
    if (!ec && s->fin_after_flush && !s->fin_sent) {
      s->fin_sent = true;
      boost::system::error_code ignored;
      s->socket.shutdown(tcp::socket::shutdown_send, ignored);
    }
    co_return ec;
  }

  // Queues close_notify and asks for a FIN after it; false when that was done already.
  bool start_closing() {
    if (fin_after_flush) return false;
    // RFC 6455 §7.1.1: close the TLS session cleanly (close_notify) as well as TCP.
    if (SSL_is_init_finished(ssl)) SSL_shutdown(ssl);
    ERR_clear_error();
    fin_after_flush = true;
    return true;
  }

  // Reads from TCP into the BIO; false at TCP's end or on an error (in `ec`).
  net::awaitable<bool> fill(boost::system::error_code& ec) {
    in.resize(std::min<std::size_t>(BIO_ctrl_get_write_guarantee(net_bio), bio_room));
    if (in.empty()) co_return true;
    auto [rec, n] = co_await socket.async_read_some(net::buffer(in), use_tuple);
    if (rec) {
      ec = rec;
      if (rec == net::error::eof) tcp_eof = true;
      co_return false;
    }
    BIO_write(net_bio, in.data(), static_cast<int>(n));
    co_return true;
  }
};

tls_stream::tls_stream(std::shared_ptr<state> s) : s_(std::move(s)) {}
tls_stream::~tls_stream() = default;
tls_stream::tls_stream(tls_stream&&) noexcept = default;
tls_stream& tls_stream::operator=(tls_stream&&) noexcept = default;

tls_stream tls_stream::client(tcp::socket socket, std::shared_ptr<tls_context> ctx,
                              const std::string& server_name) {
  auto s = std::make_shared<state>(std::move(socket), std::move(ctx));
  s->client = true;
  SSL_set_connect_state(s->ssl);
  // RFC 6455 §4.1: clients MUST use the Server Name Indication extension; RFC 6066 §3 names
  // hosts only, never addresses.
  if (is_ip_address(server_name)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s->ssl), server_name.c_str());
  } else {
    SSL_set_tlsext_host_name(s->ssl, server_name.c_str());
    SSL_set_hostflags(s->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    SSL_set1_host(s->ssl, server_name.c_str());
  }
  SSL_set_alpn_protos(s->ssl, alpn_http11, sizeof alpn_http11);
  return tls_stream(std::move(s));
}

tls_stream tls_stream::server(tcp::socket socket, std::shared_ptr<tls_context> ctx) {
  auto s = std::make_shared<state>(std::move(socket), std::move(ctx));
  SSL_set_accept_state(s->ssl);
  return tls_stream(std::move(s));
}

net::awaitable<boost::system::error_code> tls_stream::handshake() {
  auto s = s_;
  for (;;) {
    ERR_clear_error();
    const int r = SSL_do_handshake(s->ssl);
    if (r == 1) co_return co_await state::flush(s);
    const int err = SSL_get_error(s->ssl, r);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      if (auto ec = co_await state::flush(s)) {
        s->why = "the connection broke during the TLS handshake: " + ec.message();
        co_return ec;
      }
      if (err == SSL_ERROR_WANT_WRITE) continue;
      boost::system::error_code ec;
      if (!co_await s->fill(ec)) {
        s->why = ec == net::error::eof
                     ? "the peer closed the connection during the TLS handshake"
                     : "the connection broke during the TLS handshake: " + ec.message();
        co_return ec;
      }
      continue;
    }
    const long verify = SSL_get_verify_result(s->ssl);
    if (s->client && verify != X509_V_OK) {
      s->why = std::string("the server's certificate is not trusted: ") +
               X509_verify_cert_error_string(verify);
    } else {
      s->why = "the TLS handshake failed: " + openssl_reason("no reason given");
    }
    const auto ec = ssl_error();
    // The alert that says why goes to the peer before the connection is dropped.
    co_await state::flush(s);
    co_return ec;
  }
}

const std::string& tls_stream::why() const {
  return s_->why;
}

net::awaitable<tls_stream::read_result> tls_stream::read_some(std::span<std::uint8_t> buffer) {
  auto s = s_;
  for (;;) {
    ERR_clear_error();
    const int n = SSL_read(s->ssl, buffer.data(),
                           static_cast<int>(std::min<std::size_t>(buffer.size(), INT_MAX)));
    if (n > 0) co_return read_result{{}, static_cast<std::size_t>(n)};
    const int err = SSL_get_error(s->ssl, n);
    if (err == SSL_ERROR_ZERO_RETURN) {
      s->close_notify = true;
      co_return read_result{net::error::eof, 0};
    }
    if (err == SSL_ERROR_WANT_WRITE) {
      if (auto ec = co_await state::flush(s)) co_return read_result{ec, 0};
      continue;
    }
    if (err == SSL_ERROR_WANT_READ) {
      // Records the read produced (session tickets, key updates) go out unless a writer, which
      // will send them, is busy: a reader never waits for a peer that does not read.
      if (BIO_ctrl_pending(s->net_bio) > 0 && !s->flushing) {
        if (auto ec = co_await state::flush(s)) co_return read_result{ec, 0};
      }
      if (s->tcp_eof) co_return read_result{net::error::eof, 0};
      boost::system::error_code ec;
      if (!co_await s->fill(ec)) {
        if (ec == net::error::eof) continue;
        co_return read_result{ec, 0};
      }
      continue;
    }
    s->why = "TLS error: " + openssl_reason("the record layer failed");
    co_return read_result{ssl_error(), 0};
  }
}

net::awaitable<boost::system::error_code> tls_stream::write(std::span<const std::uint8_t> data) {
  auto s = s_;
  std::size_t done = 0;
  while (done < data.size()) {
    ERR_clear_error();
    const std::size_t chunk = std::min<std::size_t>(data.size() - done, 16 * 1024);
    const int n = SSL_write(s->ssl, data.data() + done, static_cast<int>(chunk));
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      if (auto ec = co_await state::flush(s)) co_return ec;
      continue;
    }
    const int err = SSL_get_error(s->ssl, n);
    if (err == SSL_ERROR_WANT_WRITE) {
      if (auto ec = co_await state::flush(s)) co_return ec;
      continue;
    }
    s->why = "TLS error: " + openssl_reason("the record layer failed");
    co_return ssl_error();
  }
  co_return boost::system::error_code{};
}

void tls_stream::shutdown_send() {
  if (!s_->start_closing() || s_->flushing) return;
  net::co_spawn(s_->socket.get_executor(), state::flush(s_), net::detached);
}

net::awaitable<void> tls_stream::shutdown() {
  auto s = s_;
  s->start_closing();
  co_await state::flush(s);
}

void tls_stream::close() {
  boost::system::error_code ignored;
  s_->socket.close(ignored);
  s_->flushed.cancel();
}

bool tls_stream::peer_sent_close_notify() const {
  return s_->close_notify;
}

std::string tls_stream::version() const {
  return SSL_is_init_finished(s_->ssl) ? SSL_get_version(s_->ssl) : "";
}

tcp::socket& tls_stream::socket() {
  return s_->socket;
}

}  // namespace wsspec::ref::asio
