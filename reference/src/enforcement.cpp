// The switch behind enforced(), present only in the test-only fault-injection build.
#include "wsspec/reference/enforcement.hpp"

#ifdef WSSPEC_FAULT_INJECTION

namespace wsspec::ref {
namespace {

error_set disabled;

}  // namespace

void disable_rules(error_set rules) noexcept {
  disabled = rules;
}

bool enforced(error e) noexcept {
  return !disabled.contains(e);
}

}  // namespace wsspec::ref

#endif
