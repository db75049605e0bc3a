// Choosing cases: by our id, by section prefix (rfc6455/5.4), by Autobahn number or glob (6.4.*),
// minus exclusions, for one target role, optionally one shard of N.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wsspec/harness/case.hpp"

namespace wsspec::harness {

struct selection {
  std::vector<std::string> include;  // empty: every case
  std::vector<std::string> exclude;
  ref::role target = ref::role::server;
  // Shard `index` (1-based) of `count`: every count-th case of the selection, in catalogue order.
  std::size_t shard_index = 1;
  std::size_t shard_count = 1;
};

// True when `pattern` selects case `c`. With a '*', a glob over the id and the Autobahn number
// (Autobahn's spec files use the same globs); without, the exact id or Autobahn number, or a
// prefix ending at a '/' or '.' boundary of either.
bool matches(const std::string& pattern, const case_def& c);

// Selects from `cases` in their order. A pattern of `include` that selects nothing is an error:
// its text is returned in `unmatched` (a typo must not silently run nothing).
std::vector<const case_def*> select(const std::vector<case_def>& cases, const selection& s,
                                    std::vector<std::string>& unmatched);

}  // namespace wsspec::harness
