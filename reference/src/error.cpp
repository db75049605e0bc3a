#include "wsspec/reference/error.hpp"

#include <array>
#include <bit>
#include <string>

namespace wsspec::ref {
namespace {

struct error_info {
  std::string_view name;
  category cat;
  std::uint16_t close;
  std::uint16_t http;
  std::string_view text;
};

constexpr std::array<error_info, error_count> table{{
#define WSSPEC_X(name, cat, close, http, text) {#name, category::cat, close, http, text},
    WSSPEC_REFERENCE_ERRORS(WSSPEC_X)
#undef WSSPEC_X
}};

const error_info& info(error e) noexcept {
  return table[static_cast<std::size_t>(e)];
}

class category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "wsspec"; }
  std::string message(int ev) const override {
    if (ev < 0 || static_cast<std::size_t>(ev) >= error_count) return "unknown wsspec error";
    return std::string(describe(static_cast<error>(ev)));
  }
};

}  // namespace

category category_of(error e) noexcept {
  return info(e).cat;
}
std::uint16_t close_code_for(error e) noexcept {
  return info(e).close;
}
std::uint16_t http_status_for(error e) noexcept {
  return info(e).http;
}
std::string_view name(error e) noexcept {
  return info(e).name;
}
std::string_view describe(error e) noexcept {
  return info(e).text;
}

std::string_view name(category c) noexcept {
  switch (c) {
    case category::handshake:
      return "handshake";
    case category::protocol:
      return "protocol";
    case category::payload:
      return "payload";
    case category::limit:
      return "limit";
    case category::extension:
      return "extension";
  }
  return "unknown";
}

const std::error_category& error_category() noexcept {
  static const category_impl instance;
  return instance;
}

std::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), error_category()};
}

error error_set::first() const noexcept {
  return static_cast<error>(std::countr_zero(bits_));
}

}  // namespace wsspec::ref
