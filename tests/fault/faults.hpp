// The faults the peer can plant: each a small change to the reference echo server, named so that
// the self-test can say which cases must catch it.
#pragma once

#include <span>
#include <string_view>

#include "behaviour.hpp"

namespace wsspec::fault {

struct fault_def {
  std::string_view name;
  std::string_view what;  // the fault, in one line
  void (*plant)(behaviour&);
};

// Every fault, "none" (the reference unchanged) first.
std::span<const fault_def> faults();
const fault_def* find_fault(std::string_view name);

}  // namespace wsspec::fault
