// The faults a faulty endpoint can plant: each a small change to the reference echo server or to
// the reference testee client, named so that the self-test can say which cases must catch it.
#pragma once

#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "behaviour.hpp"
#include "wsspec/reference/error.hpp"

namespace wsspec::fault {

struct fault_def {
  std::string_view name;
  std::string_view what;  // the fault, in one line
  void (*plant)(behaviour&);
};

// Every fault of the echo server, "none" (the reference unchanged) first.
std::span<const fault_def> faults();
const fault_def* find_fault(std::string_view name);

// Every fault of the testee client, "none" first.
std::span<const fault_def> client_faults();
const fault_def* find_client_fault(std::string_view name);

// The rule of the reference's error table named `name` ("reserved_opcode").
std::optional<ref::error> rule_named(std::string_view name);
// Adds the rules of a comma-separated list to `rules`; false (the name in `unknown`) when one is
// not a rule.
bool add_rules(std::string_view list, ref::error_set& rules, std::string& unknown);
// What --list prints: one line per fault ("name<TAB>what"), then one per rule ("rule:name<TAB>").
void list(std::span<const fault_def> faults, std::ostream& out);

}  // namespace wsspec::fault
