// The built-in catalogue against the RFCs' normative sentences: every sentence binding servers
// has cases or a reason, every quote is RFC text, the coverage table is current, and
// docs/rules.md is what `wsspec rules --markdown` prints.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "wsspec/harness/catalogue.hpp"
#include "wsspec/harness/rules.hpp"

namespace wsspec::harness::rules {
namespace {

const trace_result& builtin_trace() {
  static const trace_result t = trace(builtin_rules(), builtin_catalogue());
  return t;
}

TEST(RulesCatalogue, NoSentenceBindingServersIsUncovered) {
  for (const auto* s : server_side_uncovered(builtin_trace()))
    ADD_FAILURE() << s->rule.id << " has neither a case nor a reason: " << s->rule.text;
}

TEST(RulesCatalogue, EverySentenceHasCasesOrAReason) {
  for (const auto& s : builtin_trace().sentences)
    EXPECT_NE(s.state, status::uncovered) << s.rule.id << ": " << s.rule.text;
}

TEST(RulesCatalogue, QuotesAreRfcTextAndTheCoverageTableIsCurrent) {
  for (const auto& p : builtin_trace().problems) ADD_FAILURE() << p;
}

TEST(RulesCatalogue, PlannedServerSentencesOfRfc6455AreCasesToWrite) {
  // Planned server-side sentences are the cases still to be written (cases/rules/MISSING.md).
  for (const auto& s : builtin_trace().sentences) {
    if (s.rule.rfc != "RFC 6455" || s.rule.binds == side::client || s.state != status::planned)
      continue;
    EXPECT_EQ(s.reason, "planned: case to be written") << s.rule.id;
  }
}

TEST(RulesCatalogue, TheMissingCasesAreListed) {
  const auto root = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  std::ifstream f(root / "cases/rules/MISSING.md");
  ASSERT_TRUE(f) << "cases/rules/MISSING.md";
  std::stringstream missing;
  missing << f.rdbuf();
  for (const auto& s : builtin_trace().sentences) {
    if (s.reason == "planned: case to be written") {
      EXPECT_NE(missing.str().find("## " + s.rule.id + "\n"), std::string::npos) << s.rule.id;
    }
  }
}

TEST(RulesCatalogue, DocsRulesMdIsCurrent) {
  const auto root = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  std::ifstream f(root / "docs/rules.md", std::ios::binary);
  ASSERT_TRUE(f) << "docs/rules.md";
  std::stringstream committed;
  committed << f.rdbuf();
  std::ostringstream now;
  write_markdown(builtin_trace(), now);
  EXPECT_TRUE(committed.str() == now.str())
      << "docs/rules.md is out of date: regenerate it with tools/rules/gen_docs.sh";
}

}  // namespace
}  // namespace wsspec::harness::rules
