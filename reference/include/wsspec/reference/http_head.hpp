// Incremental, bounded HTTP/1.1 head parser (RFC 9112 §2-§5) for the opening handshake: a
// request line or status line, header fields, and the empty line. Input may be split at any byte;
// each byte is examined a bounded number of times, so a large head arriving one byte at a time
// stays linear. Bytes after the head (frames sent in the same segment) are left unconsumed.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/reference/error.hpp"

namespace wsspec::ref {

struct header_field {
  std::string name;   // as sent (case kept)
  std::string value;  // leading and trailing whitespace removed
  bool operator==(const header_field&) const = default;
};

struct http_head {
  bool is_request = true;
  // Request line.
  std::string method;
  std::string target;
  // Both: HTTP-version as major.minor.
  int version_major = 1;
  int version_minor = 1;
  // Status line.
  int status = 0;
  std::string reason;
  // Fields in order; duplicates kept.
  std::vector<header_field> fields;

  // First value of a field, by case-insensitive name.
  const std::string* find(std::string_view name) const noexcept;
  std::size_t count(std::string_view name) const noexcept;
  // All values of a field, in order.
  std::vector<std::string_view> all(std::string_view name) const;
};

struct http_limits {
  std::size_t max_head_size = 16 * 1024;
  std::size_t max_fields = 100;
};

enum class parse_status : std::uint8_t { need_more, done, error };

struct parse_result {
  parse_status status = parse_status::need_more;
  std::size_t consumed = 0;
  error err{};
};

class http_head_parser {
 public:
  enum class kind : std::uint8_t { request, response };
  explicit http_head_parser(kind k, http_limits limits = {}) noexcept;

  // Consumes bytes up to and including the empty line that ends the head. Errors: head_too_large,
  // bad_request_line / bad_status_line, bad_header_line.
  parse_result feed(std::span<const std::uint8_t> input);
  parse_result feed(std::string_view s) {
    return feed({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
  }
  const http_head& head() const noexcept { return head_; }
  http_head& head() noexcept { return head_; }
  // Bytes of the head read so far.
  std::size_t size() const noexcept { return total_; }

 private:
  parse_result parse_line(std::size_t consumed);
  // The error for a malformed line: bad_request_line / bad_status_line before the start-line is
  // complete, bad_header_line after.
  error line_error() const noexcept;
  parse_result fail(error e, std::size_t consumed);

  kind kind_;
  http_limits limits_;
  http_head head_;
  std::string line_;
  bool saw_cr_ = false;
  bool first_line_done_ = false;
  bool done_ = false;
  bool failed_ = false;
  error err_{};
  std::size_t total_ = 0;
};

// Case-insensitive ASCII comparison, as for header names and tokens.
bool iequals(std::string_view a, std::string_view b) noexcept;
// Splits a comma-separated field value (RFC 9110 §5.6.1) into trimmed elements; empty elements
// are dropped.
std::vector<std::string_view> split_list(std::string_view value);
// RFC 9110 §5.6.2 tchar.
bool is_token(std::string_view s) noexcept;

}  // namespace wsspec::ref
