// index.html: one self-contained page (inline CSS and script, nothing loaded from anywhere) that a
// person reads: a summary by section and level, a case × agent matrix with filters, and for each
// case its requirement, verdicts and the wire log as evidence. Everything the target sent is
// escaped, and what is rendered of it is capped, so the page stays inert and of bounded size.
//
// The page stays light however many cases and agents it holds: it holds the summary and the
// matrix as HTML, and each agent's list of cases and each case's details packed (see packed.hpp)
// in <data> elements, which its script unpacks when the list or the case is opened (or, for a case
// that starts open, when it comes near the screen). Case bodies are packed in groups of the same
// case for every agent, so that zlib finds what they share. The matrix's rows are grouped by
// section in fixed-width tables that the browser lays out only near the screen.
#pragma once

#include <ostream>

#include "wsspec/reports/report.hpp"

namespace wsspec::reports {

void write_html(const report& r, std::ostream& out);

}  // namespace wsspec::reports
