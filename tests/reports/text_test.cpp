// The text helpers every writer escapes target text with.
#include "wsspec/reports/text.hpp"

#include <gtest/gtest.h>

namespace wsspec::reports::text {
namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(Text, VisibleReplacesIllFormedUtf8) {
  EXPECT_EQ(visible("ok \xce\xba"), "ok \xce\xba");
  EXPECT_EQ(visible("\xff"), "\xef\xbf\xbd");
  EXPECT_EQ(visible("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");                  // overlong
  EXPECT_EQ(visible("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // surrogate
  EXPECT_EQ(visible("\xf4\x90\x80\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(visible("\xe2\x82"), "\xef\xbf\xbd");  // cut short
  EXPECT_EQ(visible("\xe2\x82x"), "\xef\xbf\xbdx");
}

TEST(Text, VisibleShowsControlCharacters) {
  EXPECT_EQ(visible(std::string("a\0b", 3)),
            "a\xe2\x90\x80"
            "b");
  EXPECT_EQ(visible("\x1b\x7f"), "\xe2\x90\x9b\xe2\x90\xa1");
  EXPECT_EQ(visible("\xc2\x85"), "\xef\xbf\xbd");  // C1
  EXPECT_EQ(visible("\xef\xbf\xbe"), "\xef\xbf\xbd");
  EXPECT_EQ(visible("a\tb"), "a\tb");
  EXPECT_EQ(visible("a\r\nb\rc\n"),
            "a\xe2\x90\x8d\xe2\x90\x8a"
            "b\xe2\x90\x8d"
            "c\xe2\x90\x8a");
  EXPECT_EQ(visible("a\r\nb\rc\n", true), "a\nb\nc\n");
}

TEST(Text, ClipCutsAtACharacterBoundary) {
  EXPECT_EQ(clip("abc", 3), "abc");
  EXPECT_EQ(clip("abcdef", 3), "abc [… 3 more bytes]");
  EXPECT_EQ(clip("a\xce\xba", 2), "a [… 2 more bytes]");
}

TEST(Text, PrintableUtf8) {
  EXPECT_TRUE(printable_utf8(bytes("Hello, world\r\n"), false));
  EXPECT_FALSE(printable_utf8(bytes(std::string("a\0", 2)), false));
  EXPECT_FALSE(printable_utf8(bytes("\xff"), false));
  EXPECT_FALSE(printable_utf8(bytes("a\xce"), false));
  EXPECT_TRUE(printable_utf8(bytes("a\xce"), true));  // a preview that ends mid-character
  EXPECT_FALSE(printable_utf8(bytes("a\xce"
                                    "b"),
                              true));
}

TEST(Text, HtmlEscapesMarkup) {
  EXPECT_EQ(html("<a href=\"x\" onclick='y'>&</a>"),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
}

TEST(Text, XmlKeepsOnlyXmlCharacters) {
  EXPECT_EQ(xml("<&>\"'"), "&lt;&amp;&gt;&quot;&apos;");
  EXPECT_EQ(xml(std::string("\0\x01\xff", 3)), "\xe2\x90\x80\xe2\x90\x81\xef\xbf\xbd");
  EXPECT_EQ(xml("a\nb\tc"), "a\nb\tc");
  EXPECT_EQ(xml("a\nb\tc", true), "a&#10;b&#9;c");
  EXPECT_EQ(xml("]]>"), "]]&gt;");
}

TEST(Text, MarkdownEscapesEveryPunctuationCharacter) {
  EXPECT_EQ(markdown("*a* [b](c) <d> @e #1 | `f`"),
            "\\*a\\* \\[b\\]\\(c\\) \\<d\\> \\@e \\#1 \\| \\`f\\`");
  EXPECT_EQ(markdown("line\nbreak"), "line break");
  EXPECT_EQ(markdown("§ κ"), "§ κ");
}

TEST(Text, SpacedHex) {
  const std::uint8_t b[] = {0x81, 0x7e, 0x00};
  EXPECT_EQ(spaced_hex(b), "81 7e 00");
  EXPECT_EQ(spaced_hex({}), "");
}

TEST(Text, ClassicNumbersWhileAlive) {
  struct grouping : std::numpunct<char> {
    char do_thousands_sep() const override { return ','; }
    std::string do_grouping() const override { return "\3"; }
  };
  std::ostringstream s;
  s.imbue(std::locale(std::locale::classic(), new grouping));
  {
    const classic_numbers numbers(s);
    s << 1234567 << ' ';
  }
  s << 1234567;
  EXPECT_EQ(s.str(), "1234567 1,234,567");
}

}  // namespace
}  // namespace wsspec::reports::text
