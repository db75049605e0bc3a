// The generated corpora: their sizes, kinds and bytes are fixed on every machine, text corpora
// are valid UTF-8 with multi-byte characters, they compress as their kinds do, and slices wrap
// around the end by bytes or by whole characters.
#include "wsspec/harness/corpus.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "wsspec/reference/utf8_validator.hpp"

namespace wsspec::harness {
namespace {

constexpr std::size_t kBinaryBytes = 262144;
constexpr std::array kAll = {corpus::json, corpus::prose, corpus::html, corpus::image,
                             corpus::noise};
constexpr std::array kText = {corpus::json, corpus::prose, corpus::html};

using bytes = std::vector<std::uint8_t>;

bytes all_bytes(corpus c) {
  const auto b = corpus_bytes(c);
  return {b.begin(), b.end()};
}

std::string as_string(std::span<const std::uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::uint64_t fnv1a(std::span<const std::uint8_t> b) {
  std::uint64_t h = 0xCBF29CE484222325u;
  for (const std::uint8_t x : b) h = (h ^ x) * 0x100000001B3u;
  return h;
}

bool is_char_start(std::uint8_t b) {
  return (b & 0xC0) != 0x80;
}

std::size_t code_points(std::span<const std::uint8_t> b) {
  return static_cast<std::size_t>(std::count_if(b.begin(), b.end(), is_char_start));
}

// The byte offset of each character.
std::vector<std::size_t> char_starts(std::span<const std::uint8_t> b) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < b.size(); ++i)
    if (is_char_start(b[i])) out.push_back(i);
  return out;
}

bytes slice(corpus c, std::uint64_t start, std::size_t units, bool by_characters) {
  bytes out;
  corpus_slice(c, start, units, by_characters, out);
  return out;
}

// The slice built the slow way: byte i of the slice is byte (start + i) mod size.
bytes byte_slice_by_hand(corpus c, std::uint64_t start, std::size_t units) {
  const auto b = corpus_bytes(c);
  bytes out;
  for (std::size_t i = 0; i < units; ++i) out.push_back(b[(start + i) % b.size()]);
  return out;
}

// Character k of the slice is character (start + k) mod n.
bytes char_slice_by_hand(corpus c, std::uint64_t start, std::size_t units) {
  const auto b = corpus_bytes(c);
  const auto starts = char_starts(b);
  bytes out;
  for (std::size_t k = 0; k < units; ++k) {
    const std::size_t i = (start + k) % starts.size();
    const std::size_t end = i + 1 < starts.size() ? starts[i + 1] : b.size();
    out.insert(out.end(), b.begin() + static_cast<std::ptrdiff_t>(starts[i]),
               b.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return out;
}

// Uncompressed size over compressed size at zlib's default level, as permessage-deflate uses.
double compress_ratio(std::span<const std::uint8_t> b) {
  uLongf size = compressBound(static_cast<uLong>(b.size()));
  bytes z(size);
  EXPECT_EQ(compress2(z.data(), &size, b.data(), static_cast<uLong>(b.size()), 6), Z_OK);
  return static_cast<double>(b.size()) / static_cast<double>(size);
}

TEST(Corpus, NamesRoundTripAndUnknownNamesAreRejected) {
  EXPECT_EQ(to_string(corpus::json), "json");
  EXPECT_EQ(to_string(corpus::prose), "prose");
  EXPECT_EQ(to_string(corpus::html), "html");
  EXPECT_EQ(to_string(corpus::image), "image");
  EXPECT_EQ(to_string(corpus::noise), "noise");
  for (const corpus c : kAll) EXPECT_EQ(corpus_from_string(to_string(c)), c);
  for (const char* bad : {"", "JSON", "json ", " json", "jso", "jsonx", "text", "binary"})
    EXPECT_EQ(corpus_from_string(bad), std::nullopt) << bad;
}

TEST(Corpus, JsonProseAndHtmlAreTextImageAndNoiseAreBinary) {
  EXPECT_TRUE(is_text(corpus::json));
  EXPECT_TRUE(is_text(corpus::prose));
  EXPECT_TRUE(is_text(corpus::html));
  EXPECT_FALSE(is_text(corpus::image));
  EXPECT_FALSE(is_text(corpus::noise));
}

TEST(Corpus, BinaryCorporaAre256KiBAndTextCorporaAtMostThat) {
  EXPECT_EQ(corpus_bytes(corpus::image).size(), kBinaryBytes);
  EXPECT_EQ(corpus_bytes(corpus::noise).size(), kBinaryBytes);
  for (const corpus c : kText) {
    // Whole records up to 256 KiB: within a record (well under 4 KiB) of it.
    EXPECT_LE(corpus_bytes(c).size(), kBinaryBytes) << to_string(c);
    EXPECT_GT(corpus_bytes(c).size(), kBinaryBytes - 4096) << to_string(c);
  }
}

// The same bytes on every machine and every run: a change to a generator must update these, and
// it changes what every message-stream case sends.
TEST(Corpus, BytesArePinned) {
  struct pinned {
    corpus c;
    std::size_t size;
    std::uint64_t fnv1a;
  };
  for (const pinned& p : {pinned{corpus::json, 261624, 0x7f7a8db21fd297f9u},
                          pinned{corpus::prose, 261911, 0x74a7b08e79de50d3u},
                          pinned{corpus::html, 260785, 0x8ff41a383a21bffeu},
                          pinned{corpus::image, 262144, 0xeafb18a00dec6bbcu},
                          pinned{corpus::noise, 262144, 0xd7dc60192a60c82au}}) {
    EXPECT_EQ(corpus_bytes(p.c).size(), p.size) << to_string(p.c);
    EXPECT_EQ(fnv1a(corpus_bytes(p.c)), p.fnv1a) << to_string(p.c);
  }
}

TEST(Corpus, GeneratedOnceAndSharedAcrossThreads) {
  std::array<std::array<const std::uint8_t*, kAll.size()>, 4> seen{};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < seen.size(); ++t) {
    threads.emplace_back([&seen, t] {
      // Each thread asks in a different order, so first uses race.
      for (std::size_t k = 0; k < kAll.size(); ++k) {
        const std::size_t i = (k + t) % kAll.size();
        seen[t][i] = corpus_bytes(kAll[i]).data();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (std::size_t i = 0; i < kAll.size(); ++i) {
    EXPECT_NE(seen[0][i], nullptr);
    for (std::size_t t = 1; t < seen.size(); ++t) EXPECT_EQ(seen[t][i], seen[0][i]);
    EXPECT_EQ(corpus_bytes(kAll[i]).data(), seen[0][i]);
  }
}

TEST(Corpus, TextCorporaAreValidUtf8WithTwoThreeAndFourByteCharacters) {
  for (const corpus c : kText) {
    const auto b = corpus_bytes(c);
    EXPECT_TRUE(ref::is_valid_utf8(b)) << to_string(c);
    std::array<std::size_t, 5> by_length{};  // characters by encoded length
    for (const std::uint8_t x : b) {
      if (x < 0x80)
        ++by_length[1];
      else if (x >= 0xF0)
        ++by_length[4];
      else if (x >= 0xE0)
        ++by_length[3];
      else if (x >= 0xC0)
        ++by_length[2];
    }
    EXPECT_GT(by_length[2], 100u) << to_string(c);
    EXPECT_GT(by_length[3], 20u) << to_string(c);
    EXPECT_GT(by_length[4], 5u) << to_string(c);
    // Mostly ASCII, as such text is.
    EXPECT_GT(by_length[1], b.size() * 9 / 10) << to_string(c);
  }
}

TEST(Corpus, BinaryCorporaAreNotText) {
  EXPECT_FALSE(ref::is_valid_utf8(corpus_bytes(corpus::image)));
  EXPECT_FALSE(ref::is_valid_utf8(corpus_bytes(corpus::noise)));
}

TEST(Corpus, UnitsAreBytesOrCharacters) {
  for (const corpus c : kAll) {
    const auto b = corpus_bytes(c);
    EXPECT_EQ(corpus_units(c, false), b.size()) << to_string(c);
    if (is_text(c)) {
      EXPECT_EQ(corpus_units(c, true), code_points(b)) << to_string(c);
      EXPECT_LT(corpus_units(c, true), b.size()) << to_string(c);
    } else {
      EXPECT_EQ(corpus_units(c, true), b.size()) << to_string(c);  // ignored for binary
    }
  }
}

TEST(Corpus, JsonIsAnArrayOfRecordsWithNonAsciiNames) {
  const std::string text = as_string(corpus_bytes(corpus::json));
  const auto j = nlohmann::json::parse(text);  // throws when not valid JSON
  ASSERT_TRUE(j.is_array());
  EXPECT_GT(j.size(), 300u);
  for (const auto& record : j) {
    ASSERT_TRUE(record.is_object());
    EXPECT_TRUE(record["id"].is_number_integer());
    EXPECT_TRUE(record["isActive"].is_boolean());
    EXPECT_TRUE(record["address"].is_object());
    EXPECT_TRUE(record["scores"].is_array());
    EXPECT_TRUE(record["scores"][0].is_array());
  }
  for (const char* s : {"Zoë", "Łukasz", "東京", "🎉"})
    EXPECT_NE(text.find(s), std::string::npos) << s;
}

TEST(Corpus, ProseIsParagraphsOfEnglishAndGerman) {
  const std::string text = as_string(corpus_bytes(corpus::prose));
  EXPECT_GT(std::count(text.begin(), text.end(), '\n'), 1000);
  for (const char* s : {"\n\n", " the ", " und ", "ß", "ü", "„", ". "})
    EXPECT_NE(text.find(s), std::string::npos) << s;
}

TEST(Corpus, HtmlIsAPageOfMarkup) {
  const std::string text = as_string(corpus_bytes(corpus::html));
  EXPECT_EQ(text.rfind("<!DOCTYPE html>\n<html", 0), 0u);
  EXPECT_TRUE(text.ends_with("</body>\n</html>\n"));
  for (const char* s : {"<div class=\"", "<table", "<td>", "&amp;", "&middot;", "href=\""})
    EXPECT_NE(text.find(s), std::string::npos) << s;
  const auto count = [&](const std::string& s) {
    std::size_t n = 0;
    for (std::size_t at = text.find(s); at != std::string::npos; at = text.find(s, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("<div"), count("</div>"));
  EXPECT_EQ(count("<article"), count("</article>"));
  EXPECT_EQ(count("<table"), count("</table>"));
}

TEST(Corpus, ImageIsABmpFilledWithPixels) {
  const auto b = corpus_bytes(corpus::image);
  const auto le32 = [&](std::size_t at) {
    return std::uint32_t{b[at]} | std::uint32_t{b[at + 1]} << 8 | std::uint32_t{b[at + 2]} << 16 |
           std::uint32_t{b[at + 3]} << 24;
  };
  EXPECT_EQ(b[0], 'B');
  EXPECT_EQ(b[1], 'M');
  EXPECT_EQ(le32(2), b.size());  // bfSize
  EXPECT_EQ(le32(14), 40u);      // BITMAPINFOHEADER
  EXPECT_EQ(b[28], 24);          // bits per pixel
  const std::uint32_t row = le32(18) * 3;
  EXPECT_EQ(row % 4, 0u);
  EXPECT_EQ(le32(10) + row * le32(22), b.size());  // pixels fill the rest
}

TEST(Corpus, CompressionMatchesEachKind) {
  const double noise = compress_ratio(corpus_bytes(corpus::noise));
  const double image = compress_ratio(corpus_bytes(corpus::image));
  EXPECT_LT(noise, 1.0);  // deflate only adds its framing
  EXPECT_GT(image, 1.3);
  EXPECT_LT(image, 2.5);
  for (const corpus c : kText) {
    const double text = compress_ratio(corpus_bytes(c));
    EXPECT_GE(text, 3.0) << to_string(c);
    EXPECT_GT(text, image) << to_string(c);
  }
}

TEST(Corpus, ByteSlicesWrapAroundTheEnd) {
  for (const corpus c : kAll) {
    const bytes b = all_bytes(c);
    const std::size_t n = b.size();
    EXPECT_EQ(slice(c, 0, 100, false), bytes(b.begin(), b.begin() + 100)) << to_string(c);
    // Across the end: the last 10 bytes, then the first 20.
    bytes across(b.end() - 10, b.end());
    across.insert(across.end(), b.begin(), b.begin() + 20);
    EXPECT_EQ(slice(c, n - 10, 30, false), across) << to_string(c);
    // The start is taken modulo the size, up to 2^40 and beyond.
    EXPECT_EQ(slice(c, 5 * std::uint64_t{n} + 7, 50, false), slice(c, 7, 50, false));
    const std::uint64_t far = (std::uint64_t{1} << 40) + 12345;
    EXPECT_EQ(slice(c, far, 4096, false), byte_slice_by_hand(c, far, 4096)) << to_string(c);
    // Longer than the corpus: wraps as often as needed.
    EXPECT_EQ(slice(c, n - 3, 2 * n + 9, false), byte_slice_by_hand(c, n - 3, 2 * n + 9))
        << to_string(c);
    EXPECT_EQ(slice(c, 0, n, false), b) << to_string(c);
    EXPECT_TRUE(slice(c, 123, 0, false).empty());
  }
}

TEST(Corpus, SlicesAppend) {
  bytes out = {1, 2, 3};
  corpus_slice(corpus::noise, 0, 5, false, out);
  corpus_slice(corpus::prose, 0, 5, true, out);
  ASSERT_EQ(out.size(), 3u + 5 + slice(corpus::prose, 0, 5, true).size());
  EXPECT_EQ(bytes(out.begin(), out.begin() + 3), (bytes{1, 2, 3}));
  EXPECT_EQ(bytes(out.begin() + 3, out.begin() + 8), slice(corpus::noise, 0, 5, false));
  EXPECT_EQ(bytes(out.begin() + 8, out.end()), slice(corpus::prose, 0, 5, true));
}

TEST(Corpus, CharacterSlicesAreWholeCharactersEvenAcrossTheEnd) {
  for (const corpus c : kText) {
    const bytes b = all_bytes(c);
    const std::size_t n = corpus_units(c, true);
    const auto check = [&](std::uint64_t start, std::size_t units) {
      const bytes s = slice(c, start, units, true);
      EXPECT_EQ(code_points(s), units) << to_string(c) << " from " << start;
      EXPECT_TRUE(ref::is_valid_utf8(s)) << to_string(c) << " from " << start;
      EXPECT_EQ(s, char_slice_by_hand(c, start, units)) << to_string(c) << " from " << start;
    };
    // Every start near the end, so some slices begin or end inside the last multi-byte
    // characters' bytes were they cut by bytes.
    for (std::size_t back = 1; back <= 40; ++back) check(n - back, 64);
    check(0, 1000);
    check((std::uint64_t{1} << 40) + 3, 128 * 1024);
    check(n - 1000, 2 * n + 77);  // wraps twice
    // All characters from 0: the whole corpus; one lap later: the same.
    EXPECT_EQ(slice(c, 0, n, true), b) << to_string(c);
    EXPECT_EQ(slice(c, n, n, true), b) << to_string(c);
    EXPECT_TRUE(slice(c, 5, 0, true).empty());
  }
}

TEST(Corpus, CharacterSlicesOfMultiByteTextHaveMoreBytesThanCharacters) {
  // Half the characters take more than half the bytes, and the two slices begin alike.
  const std::size_t units = corpus_units(corpus::json, true);
  const bytes by_chars = slice(corpus::json, 0, units / 2, true);
  const bytes by_bytes = slice(corpus::json, 0, units / 2, false);
  EXPECT_GT(by_chars.size(), by_bytes.size());
  EXPECT_EQ(
      bytes(by_chars.begin(), by_chars.begin() + static_cast<std::ptrdiff_t>(by_bytes.size())),
      by_bytes);
}

TEST(Corpus, CharactersAreIgnoredForBinaryCorpora) {
  for (const corpus c : {corpus::image, corpus::noise})
    EXPECT_EQ(slice(c, kBinaryBytes - 7, 100, true), slice(c, kBinaryBytes - 7, 100, false));
}

}  // namespace
}  // namespace wsspec::harness
