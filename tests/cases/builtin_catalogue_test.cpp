// The built-in catalogue: sound, in RFC order, and every case survives the case file format.
#include <gtest/gtest.h>

#include "wsspec/harness/case_json.hpp"
#include "wsspec/harness/catalogue.hpp"

namespace wsspec::harness {
namespace {

TEST(Catalogue, BuiltinCatalogueIsSound) {
  const auto& cat = builtin_catalogue();
  EXPECT_GT(cat.cases().size(), 16u);
  const auto problems = cat.validate();
  EXPECT_TRUE(problems.empty()) << problems.front();
}

TEST(Catalogue, BuiltinCasesRunInRfcSectionOrder) {
  const auto& cases = builtin_catalogue().cases();
  auto key = [](const std::string& section) {
    std::vector<int> k;
    int v = 0;
    for (char c : section) {
      if (c == '.') {
        k.push_back(v);
        v = 0;
      } else {
        v = v * 10 + (c - '0');
      }
    }
    k.push_back(v);
    return k;
  };
  for (std::size_t i = 1; i < cases.size(); ++i) {
    if (cases[i].rfc != cases[i - 1].rfc) continue;
    EXPECT_LE(key(cases[i - 1].section), key(cases[i].section))
        << cases[i - 1].id << " before " << cases[i].id;
  }
}

TEST(CaseJson, EveryBuiltinCaseRoundTrips) {
  for (const auto& c : builtin_catalogue().cases()) {
    const auto j = to_json(c);
    const auto back = case_from_json(j);
    EXPECT_EQ(to_json(back), j) << c.id;
    EXPECT_EQ(back.steps.size(), c.steps.size()) << c.id;
  }
}

}  // namespace
}  // namespace wsspec::harness
