// The built-in catalogue: sound, in RFC order, and every case survives the case file format.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

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

// Each case is defined in the file of its section: cases/rfc6455/5_5_1_close.cpp holds the cases
// of RFC 6455 §5.5.1 and no other (§5.5 cases go to a 5_5_*.cpp file, §5.5.2 ones to 5_5_2_*).
TEST(Catalogue, EveryBuiltinCaseIsInTheFileOfItsSection) {
  for (const auto& c : builtin_catalogue().cases()) {
    const auto spec = std::string_view(c.id).substr(0, c.id.find('/'));
    const std::string dir = "cases/" + std::string(spec) + "/";
    std::string prefix = c.section + "_";
    std::replace(prefix.begin(), prefix.end(), '.', '_');
    ASSERT_TRUE(c.source_file.starts_with(dir)) << c.id << " is defined in " << c.source_file;
    const std::string name = c.source_file.substr(dir.size());
    EXPECT_GT(c.source_line, 0u) << c.id;
    EXPECT_TRUE(name.starts_with(prefix) && name.size() > prefix.size() &&
                !std::isdigit(static_cast<unsigned char>(name[prefix.size()])))
        << c.id << " (section " << c.section << ") is defined in " << c.source_file << ", not in a "
        << dir << prefix << "<topic>.cpp file";
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
