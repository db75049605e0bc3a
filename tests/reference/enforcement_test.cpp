// The shipped reference enforces every rule of its error table: only a test-only build (with
// WSSPEC_FAULT_INJECTION) can switch one off.
#include "wsspec/reference/enforcement.hpp"

#include <gtest/gtest.h>

namespace wsspec::ref {
namespace {

TEST(Enforcement, TheShippedReferenceEnforcesEveryRule) {
#ifdef WSSPEC_FAULT_INJECTION
  FAIL() << "the shipped reference must not be built with WSSPEC_FAULT_INJECTION";
#else
  for (std::size_t i = 0; i < error_count; ++i) {
    const auto e = static_cast<error>(i);
    EXPECT_TRUE(enforced(e)) << name(e);
  }
  static_assert(enforced(error::reserved_bits), "enforced() is a constant in the shipped build");
#endif
}

}  // namespace
}  // namespace wsspec::ref
