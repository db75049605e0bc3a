// Whether the reference enforces a rule of its error table. The shipped reference enforces every
// rule: enforced() is the constant true, and every check compiles as if it were not there. A
// test-only build (WSSPEC_FAULT_INJECTION) can switch rules off, turning the reference into a lax
// implementation that does not check them, so that a self-test can prove that the cases built
// for a rule fail a target that breaks it.
#pragma once

#include "wsspec/reference/error.hpp"

namespace wsspec::ref {

#ifdef WSSPEC_FAULT_INJECTION
// Rules that no connection of this process checks from now on: set once, before any connection.
void disable_rules(error_set rules) noexcept;
bool enforced(error e) noexcept;
#else
constexpr bool enforced(error) noexcept {
  return true;
}
#endif

}  // namespace wsspec::ref
