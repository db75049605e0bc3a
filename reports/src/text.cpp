#include "wsspec/reports/text.hpp"

namespace wsspec::reports::text {

namespace {

constexpr char32_t replacement = 0xFFFD;

struct decoded {
  char32_t cp = replacement;
  std::size_t length = 1;  // bytes consumed
  bool ok = false;
  bool cut = false;  // ill-formed only because the input ended inside the character
};

// One character at s[i], following Unicode's well-formed UTF-8 table (no overlongs, surrogates
// or code points above U+10FFFF); an ill-formed start consumes its maximal subpart.
decoded decode(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1, true, false};
  std::size_t more = 0;
  char32_t cp = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    more = 1;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    more = 2;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    more = 3;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return {};
  }
  for (std::size_t k = 1; k <= more; ++k) {
    if (i + k >= s.size()) return {replacement, k, false, true};
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < lo || b > hi) return {replacement, k, false, false};
    lo = 0x80;
    hi = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
  }
  return {cp, more + 1, true, false};
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_control(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

}  // namespace

std::string visible(std::string_view s, bool keep_lines) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const decoded d = decode(s, i);
    i += d.length;
    char32_t cp = d.ok ? d.cp : replacement;
    if (keep_lines && cp == '\r') {
      if (i < s.size() && s[i] == '\n') ++i;
      cp = '\n';
    }
    if (cp == '\t' || (keep_lines && cp == '\n')) {
      out += static_cast<char>(cp);
      continue;
    }
    if (cp < 0x20) {
      cp = 0x2400 + cp;
    } else if (cp == 0x7F) {
      cp = 0x2421;
    } else if ((cp >= 0x80 && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF) {
      cp = replacement;
    }
    append_utf8(out, cp);
  }
  return out;
}

std::string clip(std::string_view utf8, std::size_t max_bytes) {
  if (utf8.size() <= max_bytes) return std::string(utf8);
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(utf8[cut]) & 0xC0) == 0x80) --cut;
  return std::string(utf8.substr(0, cut)) + " [… " + std::to_string(utf8.size() - cut) +
         " more bytes]";
}

bool printable_utf8(std::span<const std::uint8_t> bytes, bool truncated) {
  const std::string_view s(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  for (std::size_t i = 0; i < s.size();) {
    const decoded d = decode(s, i);
    if (!d.ok) return truncated && d.cut;
    if (is_control(d.cp) && d.cp != '\t' && d.cp != '\r' && d.cp != '\n') return false;
    i += d.length;
  }
  return true;
}

namespace {

// Escapes the five markup characters; `apostrophe` is the entity HTML or XML uses for '. In an
// XML attribute, tab and line feed are escaped too, or a parser would normalise them to spaces.
std::string escape_markup(const std::string& v, std::string_view apostrophe, bool attribute) {
  std::string out;
  out.reserve(v.size() + v.size() / 8);
  for (char c : v) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += apostrophe;
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string html(std::string_view s, bool keep_lines) {
  return escape_markup(visible(s, keep_lines), "&#39;", false);
}

std::string xml(std::string_view s, bool attribute) {
  // visible() leaves tab and LF as the only characters below U+0020, and no U+FFFE/U+FFFF: what
  // remains is within XML 1.0's Char production.
  return escape_markup(visible(s, true), "&apos;", attribute);
}

std::string markdown(std::string_view s) {
  std::string one_line(s);
  for (char& c : one_line)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  const std::string v = visible(one_line);
  std::string out;
  out.reserve(v.size() + v.size() / 4);
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    const bool punct = (u >= 0x21 && u <= 0x2F) || (u >= 0x3A && u <= 0x40) ||
                       (u >= 0x5B && u <= 0x60) || (u >= 0x7B && u <= 0x7E);
    if (punct) out += '\\';
    out += c;
  }
  return out;
}

std::string spaced_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 3);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i) s += ' ';
    s += digits[bytes[i] >> 4];
    s += digits[bytes[i] & 0xF];
  }
  return s;
}

}  // namespace wsspec::reports::text
