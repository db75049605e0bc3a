// index.html: one self-contained page (inline CSS and script, nothing loaded from anywhere) that a
// person reads: a summary by section and level, a case × agent matrix with filters, and for each
// case its requirement, verdicts and the wire log as evidence. Everything the target sent is
// escaped, and what is rendered of it is capped, so the page stays inert and of bounded size.
#pragma once

#include <ostream>

#include "wsspec/reports/report.hpp"

namespace wsspec::reports {

void write_html(const report& r, std::ostream& out);

}  // namespace wsspec::reports
