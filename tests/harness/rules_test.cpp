// The sentence tables and the tracing of sentences to cases: the embedded tables are sound and
// agree with the RFC texts, coverage follows quotes and the coverage table, and every kind of
// mistake (a sentence with neither case nor reason, a quote that is not RFC text, a table line
// naming nothing) is reported.
#include "wsspec/harness/rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace wsspec::harness::rules {
namespace {

constexpr const char* header = "id\trfc\tsection\tlevel\tside\ttext\n";

// A small book: three sentences of "RFC 6455" and one of "RFC 7692", and the RFC text holding
// them and one sentence that is not normative.
rulebook sample_book(std::string coverage = "") {
  rulebook b;
  b.sentences = parse_sentences(
      std::string(header) +
      "6455/5.5#1\tRFC 6455\t5.5\tMUST\tboth\tAll control frames MUST have a payload length of 125 "
      "bytes or less and MUST NOT be fragmented.\n"
      "6455/5.5.1#2\tRFC 6455\t5.5.1\tMUST\tclient\tAs the data is not guaranteed to be human "
      "readable, clients MUST NOT show it to end users.\n"
      "6455/5.5.1#5\tRFC 6455\t5.5.1\tSHOULD\tserver\tIt SHOULD do so as soon as practical.\n"
      "7692/6.1#4\tRFC 7692\t6.1\tMUST\tboth\tAn endpoint receiving such a frame MUST _Fail the "
      "WebSocket Connection_.\n");
  b.coverage = parse_coverage(coverage);
  b.texts.push_back(
      {"RFC 6455", fold_rfc_text("   All control frames MUST have a payload length of 125 bytes\n"
                                 "   or less and MUST NOT be fragmented.  The Close frame\n"
                                 "   contains an opcode of 0x8.  As the data is not guaranteed\n"
                                 "   to be human readable, clients MUST NOT show it to end\n"
                                 "   users.  It SHOULD do so as soon as practical.\n")});
  b.texts.push_back({"RFC 7692", fold_rfc_text("   An endpoint receiving such a frame MUST _Fail\n"
                                               "   the WebSocket Connection_.\n")});
  return b;
}

catalogue with_quotes(std::vector<std::pair<std::string, std::string>> id_and_quote,
                      std::string rfc = "RFC 6455") {
  catalogue cat;
  for (auto& [id, quote] : id_and_quote) cat.add(id).rfc(rfc).section("5.5").must(quote);
  return cat;
}

const traced& find(const trace_result& t, const std::string& id) {
  for (const auto& s : t.sentences)
    if (s.rule.id == id) return s;
  throw std::out_of_range(id);
}

bool any_problem_with(const trace_result& t, const std::string& words) {
  return std::any_of(t.problems.begin(), t.problems.end(),
                     [&](const std::string& p) { return p.find(words) != std::string::npos; });
}

// ----- the embedded tables --------------------------------------------------------------------

TEST(Rules, TheEmbeddedTablesParseWithUniqueIdsLevelsAndSides) {
  const auto& book = builtin_rules();
  ASSERT_GT(book.sentences.size(), 150u);
  std::set<std::string> ids;
  std::map<std::string, int> per_section;
  for (const auto& s : book.sentences) {
    EXPECT_TRUE(ids.insert(s.id).second) << s.id << " twice";
    EXPECT_TRUE(s.lvl == level::must || s.lvl == level::should) << s.id;
    EXPECT_FALSE(to_string(s.binds).empty()) << s.id;
    EXPECT_EQ(s.text.find_first_of("\t\n\f"), std::string::npos) << s.id;
    // Numbered in order of appearance within their section: #1, #2, ...
    const int n = ++per_section[s.rfc + " " + s.section];
    EXPECT_EQ(s.id.substr(s.id.find('#') + 1), std::to_string(n)) << s.id;
  }
  std::size_t rfc7692 = 0;
  for (const auto& s : book.sentences) rfc7692 += s.rfc == "RFC 7692";
  EXPECT_GT(rfc7692, 30u);
}

TEST(Rules, EverySentenceIsTextOfItsRfc) {
  const auto& book = builtin_rules();
  ASSERT_EQ(book.texts.size(), 2u);
  for (const auto& s : book.sentences) {
    const auto& body = s.rfc == "RFC 6455" ? book.texts[0].body : book.texts[1].body;
    EXPECT_NE(body.find(s.text), std::string::npos) << s.id << ": " << s.text;
  }
}

TEST(Rules, TheFoldedRfcTextHasNoPageBreaks) {
  const auto& body = builtin_rules().texts[0].body;
  EXPECT_EQ(body.find("[Page "), std::string::npos);
  EXPECT_EQ(body.find("Fette & Melnikov"), std::string::npos);
  EXPECT_EQ(body.find('\f'), std::string::npos);
  EXPECT_EQ(body.find("  "), std::string::npos);
  // A compound broken over two lines is one word again.
  EXPECT_NE(body.find("|Sec-WebSocket-Accept|"), std::string::npos);
}

TEST(Rules, EveryCoverageLineNamesASentence) {
  const auto& book = builtin_rules();
  std::set<std::string> ids;
  for (const auto& s : book.sentences) ids.insert(s.id);
  for (const auto& e : book.coverage) EXPECT_TRUE(ids.count(e.id)) << e.id;
}

// ----- parsing --------------------------------------------------------------------------------

TEST(Rules, MalformedSentenceLinesAreRefusedWithTheirLineNumber) {
  const std::vector<std::string> bad = {
      "6455/5.5#1\tRFC 6455\t5.5\tMUST\tboth\n",          // a field missing
      "6455/5.5#1\tRFC 6455\t5.5\tMAY\tboth\tText.\n",    // not an obligation
      "6455/5.5#1\tRFC 6455\t5.5\tMUST\tproxy\tText.\n",  // an unknown side
      "6455/5.4#1\tRFC 6455\t5.5\tMUST\tboth\tText.\n",   // id and section disagree
      "6455/5.5#1\tRFC 7692\t5.5\tMUST\tboth\tText.\n",   // id and RFC disagree
      "6455/5.5#0\tRFC 6455\t5.5\tMUST\tboth\tText.\n",   // numbered from 1
      "6455/5.5#1\tRFC 6455\t5.5\tMUST\tboth\t \n",       // no text
  };
  for (const auto& line : bad) {
    try {
      parse_sentences(std::string(header) + line);
      ADD_FAILURE() << "accepted: " << line;
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("line 2: ", 0), 0u) << e.what();
    }
  }
  EXPECT_THROW(parse_sentences("6455/5.5#1\tRFC 6455\t5.5\tMUST\tboth\tText.\n"),
               std::runtime_error);  // no header
  EXPECT_THROW(parse_sentences(""), std::runtime_error);
}

TEST(Rules, CoverageLinesNeedCasesOrAReason) {
  EXPECT_THROW(parse_coverage("6455/5.5#1\t\t\n"), std::runtime_error);
  EXPECT_THROW(parse_coverage("6455/5.5#1\tsome-case\n"), std::runtime_error);
  const auto e = parse_coverage("# a comment\n\n6455/5.5#1\ta  b\tplanned: later\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].cases, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(e[0].reason, "planned: later");
}

TEST(Rules, NormalizingFoldsWhitespaceAndTypographicQuotes) {
  EXPECT_EQ(normalize("  a \t b\n\nc  "), "a b c");
  EXPECT_EQ(normalize("\xe2\x80\x9cwebsocket\xe2\x80\x9d it\xe2\x80\x99s [\xe2\x80\xa6]"),
            "\"websocket\" it's [...]");
}

TEST(Rules, FoldingDropsPageBreaksAndJoinsHyphenatedCompounds) {
  const std::string page =
      "   the server's certificate could not be verified; a client-\n"
      "   side check\n"
      "\n"
      "\n"
      "Fette & Melnikov             Standards Track                   [Page 17]\n"
      "\f\n"
      "RFC 6455                 The WebSocket Protocol            December 2011\n"
      "\n"
      "\n"
      "   fails.\n";
  EXPECT_EQ(fold_rfc_text(page),
            "the server's certificate could not be verified; a client-side check fails.");
}

// ----- tracing --------------------------------------------------------------------------------

TEST(Rules, ASentenceWithNeitherCaseNorReasonIsUncovered) {
  const auto book = sample_book();
  const auto t = trace(book, catalogue{});
  EXPECT_EQ(find(t, "6455/5.5#1").state, status::uncovered);
  const auto gate = server_side_uncovered(t);
  std::vector<std::string> ids;
  for (const auto* s : gate) ids.push_back(s->rule.id);
  // Both and server sentences bind servers; the client one does not.
  EXPECT_EQ(ids, (std::vector<std::string>{"6455/5.5#1", "6455/5.5.1#5", "7692/6.1#4"}));
}

TEST(Rules, ReasonsAndPlannedMarksAnswerForASentence) {
  const auto book = sample_book(
      "6455/5.5#1\t\tplanned: case to be written\n"
      "6455/5.5.1#5\t\tserver-internal: how soon is up to the server\n"
      "7692/6.1#4\t\tplanned: RFC 7692\n");
  const auto t = trace(book, catalogue{});
  EXPECT_EQ(find(t, "6455/5.5#1").state, status::planned);
  EXPECT_EQ(find(t, "6455/5.5.1#5").state, status::reason);
  EXPECT_EQ(find(t, "6455/5.5.1#5").reason, "server-internal: how soon is up to the server");
  EXPECT_EQ(find(t, "6455/5.5.1#2").state, status::uncovered);
  EXPECT_TRUE(server_side_uncovered(t).empty());
  EXPECT_TRUE(t.problems.empty()) << t.problems.front();
}

TEST(Rules, ACaseCoversTheSentenceItQuotesWholeOrInASubstantialPart) {
  const auto t = trace(
      sample_book(),
      with_quotes({{"whole",
                    "All control frames MUST have a payload length of 125 bytes or less "
                    "and MUST NOT be fragmented."},
                   {"part", "All control frames MUST have a payload length of 125 bytes or less"},
                   {"short", "MUST NOT be fragmented"},
                   {"across",
                    "fragmented. The Close frame contains an opcode of 0x8. As the data "
                    "is not guaranteed to be human readable"},
                   {"short-sentence", "It SHOULD do so as soon as practical"}}));
  EXPECT_EQ(find(t, "6455/5.5#1").cases, (std::vector<std::string>{"whole", "part"}));
  EXPECT_EQ(find(t, "6455/5.5#1").state, status::covered);
  EXPECT_EQ(find(t, "6455/5.5.1#2").cases, (std::vector<std::string>{"across"}));
  EXPECT_EQ(find(t, "6455/5.5.1#5").cases, (std::vector<std::string>{"short-sentence"}));
  EXPECT_TRUE(t.problems.empty()) << t.problems.front();
}

TEST(Rules, QuotesAreMatchedPieceByPieceAcrossElisionsAndSourceMarks) {
  const auto t =
      trace(sample_book(),
            with_quotes({{"elided",
                          "All control frames MUST have [...] a payload length of 125 bytes "
                          "or less"},
                         {"marked",
                          "The Close frame contains an opcode of 0x8. (§5.5.1) It SHOULD do "
                          "so as soon as practical. RFC 9110 §5.4: Words of another RFC."},
                         {"attributed",
                          "As the data is not guaranteed to be human readable, clients "
                          "MUST NOT show it (RFC 6455 §5.5.1)"}}));
  // Neither half of the elided quote is 40 characters of the sentence.
  EXPECT_TRUE(find(t, "6455/5.5#1").cases.empty());
  EXPECT_EQ(find(t, "6455/5.5.1#5").cases, (std::vector<std::string>{"marked"}));
  EXPECT_EQ(find(t, "6455/5.5.1#2").cases, (std::vector<std::string>{"attributed"}));
  EXPECT_TRUE(t.problems.empty()) << t.problems.front();
}

TEST(Rules, AQuoteThatIsNotRfcTextIsReported) {
  const auto t =
      trace(sample_book(),
            with_quotes({{"drifted",
                          "All control frames MUST have a payload length of "
                          "126 bytes or less."},
                         {"also-drifted",
                          "All control frames MUST have a payload length "
                          "of 126 bytes or less."},
                         {"not-normative", "The Close frame contains an opcode of 0x8."}}));
  ASSERT_EQ(t.problems.size(), 1u);
  EXPECT_NE(t.problems[0].find("drifted (and 1 more case)"), std::string::npos) << t.problems[0];
  EXPECT_NE(t.problems[0].find("parts from it after \"ST have a payload length of 12\""),
            std::string::npos)
      << t.problems[0];
  EXPECT_TRUE(find(t, "6455/5.5#1").cases.empty());
}

TEST(Rules, QuotesOfOtherRfcsAreNotChecked) {
  const auto t = trace(sample_book(),
                       with_quotes({{"http", "A server MUST respond with a 400."}}, "RFC 9112"));
  EXPECT_TRUE(t.problems.empty());
  const auto marked =
      trace(sample_book(), with_quotes({{"mixed",
                                         "RFC 9110 §9.1: The method token is "
                                         "case-sensitive. [...] Still RFC 9110 text."}}));
  EXPECT_TRUE(marked.problems.empty()) << marked.problems.front();
}

TEST(Rules, TheCoverageTableAddsCasesAndReportsWhatItCannotFind) {
  const auto book = sample_book(
      "6455/5.5.1#5\trfc6455/5.5.1/close-*\t\n"
      "6455/5.5#1\tno-such-case\t\n"
      "6455/9.9#1\t\tbinds nobody\n"
      "6455/5.5.1#2\t\tclient-internal: what the application shows its user\n");
  catalogue cat;
  cat.add("rfc6455/5.5.1/close-a").section("5.5.1").must("The Close frame contains an opcode");
  cat.add("rfc6455/5.5.1/close-b").section("5.5.1").must("The Close frame contains an opcode");
  cat.add("rfc6455/5.5.1/client-sees")
      .section("5.5.1")
      .must(
          "As the data is not guaranteed to be human readable, clients MUST NOT show it to end "
          "users.");
  const auto t = trace(book, cat);
  EXPECT_EQ(find(t, "6455/5.5.1#5").cases,
            (std::vector<std::string>{"rfc6455/5.5.1/close-a", "rfc6455/5.5.1/close-b"}));
  EXPECT_EQ(find(t, "6455/5.5.1#5").state, status::covered);
  EXPECT_TRUE(any_problem_with(t, "no case matches 'no-such-case'"));
  EXPECT_TRUE(any_problem_with(t, "names 6455/9.9#1, which is no sentence"));
  // A covered sentence keeps no reason: the table is out of date.
  EXPECT_TRUE(any_problem_with(t, "6455/5.5.1#2 is checked by rfc6455/5.5.1/client-sees"));
  EXPECT_EQ(t.problems.size(), 3u);
}

TEST(Rules, DuplicateSentenceIdsAreReported) {
  auto book = sample_book();
  book.sentences.push_back(book.sentences.front());
  EXPECT_TRUE(any_problem_with(trace(book, catalogue{}), "6455/5.5#1 is listed twice"));
}

// ----- renderings -----------------------------------------------------------------------------

TEST(Rules, TheMarkdownEscapesTableCells) {
  rulebook book = sample_book("6455/5.5#1\t\tbinds |pipes| and _under_ scores\n");
  book.sentences[0].text = "The |Upgrade| field and _Fail the WebSocket Connection_.";
  std::ostringstream md;
  write_markdown(trace(book, catalogue{}), md);
  EXPECT_NE(md.str().find("| 6455/5.5#1 | MUST | both | reason | binds \\|pipes\\| and \\_under\\_ "
                          "scores | The \\|Upgrade\\| field and \\_Fail the WebSocket "
                          "Connection\\_. |"),
            std::string::npos)
      << md.str();
  EXPECT_NE(md.str().find("3 sentences: 0 covered, 1 with a reason, 0 planned, 2 uncovered."),
            std::string::npos);
}

TEST(Rules, TheTableListsUncoveredThenPlannedSentences) {
  const auto t = trace(sample_book("6455/5.5#1\t\tplanned: case to be written\n"), catalogue{});
  std::ostringstream out;
  write_table(t, view{"RFC 6455", true}, out);
  const std::string s = out.str();
  EXPECT_EQ(s.find("6455/5.5.1#2"), s.find("6455/5.5.1#2    MUST    client  uncovered"));
  EXPECT_LT(s.find("6455/5.5.1#5"), s.find("Planned (1):"));
  EXPECT_GT(s.find("6455/5.5#1"), s.find("Planned (1):"));
  EXPECT_EQ(s.find("7692/"), std::string::npos);
  EXPECT_NE(s.find("3 sentences: 0 covered, 0 with a reason, 1 planned, 2 uncovered (1 binding "
                   "servers)"),
            std::string::npos)
      << s;
}

}  // namespace
}  // namespace wsspec::harness::rules
