// Joins results.json files of shards (wsspec test-server --shard I/N) or of separate runs into one
// report, as a single run would have written it.
#pragma once

#include <string>
#include <vector>

#include "wsspec/reports/report.hpp"

namespace wsspec::reports {

// Agents of the same name become one agent, in the order they first appear; its results are put
// in `order` (case ids in catalogue order), ids that `order` does not hold after them in the order
// first seen. The run metadata is the first part's, with the shard cleared. Throws
// std::runtime_error (one line) when an agent has a result for the same case twice.
report merge(const std::vector<report>& parts, const std::vector<std::string>& order);

}  // namespace wsspec::reports
