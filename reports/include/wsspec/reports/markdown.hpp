// A short Markdown summary for a CI step summary or a pull-request comment: totals per verdict,
// a table per section, and a table of the failed cases with every finding of each, one per
// line. Text is escaped so that it renders as itself (no markup, links, mentions or HTML), and
// the list of failures is capped so the summary stays short.
#pragma once

#include <ostream>

#include "wsspec/reports/report.hpp"

namespace wsspec::reports {

void write_markdown(const report& r, std::ostream& out);

}  // namespace wsspec::reports
