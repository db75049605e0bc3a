#include "wsspec/reference/extensions.hpp"

#include "wsspec/reference/http_head.hpp"

namespace wsspec::ref {
namespace {

// A cursor over one Sec-WebSocket-Extensions value. Every method either advances past what it
// recognised or leaves the position unchanged and reports failure.
class reader {
 public:
  explicit reader(std::string_view s) noexcept : s_(s) {}

  bool at_end() const noexcept { return pos_ == s_.size(); }
  char peek() const noexcept { return s_[pos_]; }

  // RFC 9110 §5.6.3: OWS = *( SP / HTAB ), allowed around the separators of §9.1 (the "implied
  // *LWS rule" of RFC 2616 §2.1).
  void skip_ows() noexcept {
    while (!at_end() && (peek() == ' ' || peek() == '\t')) ++pos_;
  }

  bool consume(char c) noexcept {
    if (at_end() || peek() != c) return false;
    ++pos_;
    return true;
  }

  // RFC 9110 §5.6.2: token = 1*tchar.
  std::optional<std::string> token() {
    std::size_t end = pos_;
    while (end < s_.size() && is_token(s_.substr(end, 1))) ++end;
    if (end == pos_) return std::nullopt;
    std::string out(s_.substr(pos_, end - pos_));
    pos_ = end;
    return out;
  }

  // RFC 9110 §5.6.4: quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE, qdtext = HTAB / SP /
  // %x21 / %x23-5B / %x5D-7E / obs-text, quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text ).
  // Returns the unescaped content.
  std::optional<std::string> quoted_string() {
    if (at_end() || peek() != '"') return std::nullopt;
    std::size_t i = pos_ + 1;
    std::string out;
    while (i < s_.size()) {
      const char c = s_[i];
      const auto u = static_cast<unsigned char>(c);
      if (c == '"') {
        pos_ = i + 1;
        return out;
      }
      if (c == '\\') {
        if (i + 1 == s_.size()) return std::nullopt;
        const auto e = static_cast<unsigned char>(s_[i + 1]);
        if ((e < 0x20 && e != '\t') || e == 0x7f) return std::nullopt;
        out.push_back(s_[i + 1]);
        i += 2;
        continue;
      }
      if ((u < 0x20 && c != '\t') || u == 0x7f) return std::nullopt;
      out.push_back(c);
      ++i;
    }
    return std::nullopt;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

// extension-param = token [ "=" (token | quoted-string) ]
std::optional<extension_param> parse_param(reader& r) {
  auto name = r.token();
  if (!name) return std::nullopt;
  extension_param param{std::move(*name), std::nullopt};
  r.skip_ows();
  if (!r.consume('=')) return param;
  r.skip_ows();
  if (!r.at_end() && r.peek() == '"') {
    auto value = r.quoted_string();
    // RFC 6455 §9.1: a quoted-string value MUST conform to the token ABNF once unescaped.
    if (!value || !is_token(*value)) return std::nullopt;
    param.value = std::move(*value);
  } else {
    auto value = r.token();
    if (!value) return std::nullopt;
    param.value = std::move(*value);
  }
  return param;
}

// extension = extension-token *( ";" extension-param )
std::optional<extension> parse_extension(reader& r) {
  auto name = r.token();
  if (!name) return std::nullopt;
  extension ext{std::move(*name), {}};
  while (true) {
    r.skip_ows();
    if (!r.consume(';')) return ext;
    r.skip_ows();
    auto param = parse_param(r);
    if (!param) return std::nullopt;
    ext.params.push_back(std::move(*param));
  }
}

bool append_list(std::string_view value, std::vector<extension>& out) {
  // RFC 6455 §9.1: extension-list = 1#extension. Empty list elements are not accepted: a value
  // that does not conform MUST fail the connection, and an empty element names no extension.
  reader r(value);
  r.skip_ows();
  while (true) {
    auto ext = parse_extension(r);
    if (!ext) return false;
    out.push_back(std::move(*ext));
    r.skip_ows();
    if (r.at_end()) return true;
    if (!r.consume(',')) return false;
    r.skip_ows();
  }
}

void append_value(std::string& out, const std::string& value) {
  if (is_token(value)) {
    out += value;
    return;
  }
  out.push_back('"');
  for (const char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

result<std::vector<extension>> parse_extensions(std::string_view value) {
  std::vector<extension> out;
  if (!append_list(value, out)) return error::bad_extension_syntax;
  return out;
}

result<std::vector<extension>> parse_extensions(const std::vector<std::string_view>& values) {
  // RFC 6455 §9.1: the header MAY be split across several field lines; together they form one
  // list, and each line must itself be a well-formed list.
  std::vector<extension> out;
  for (const auto value : values)
    if (!append_list(value, out)) return error::bad_extension_syntax;
  return out;
}

std::string format_extensions(const std::vector<extension>& list) {
  std::string out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i != 0) out += ", ";
    out += list[i].name;
    for (const auto& param : list[i].params) {
      out += "; ";
      out += param.name;
      if (param.value) {
        out.push_back('=');
        append_value(out, *param.value);
      }
    }
  }
  return out;
}

}  // namespace wsspec::ref
