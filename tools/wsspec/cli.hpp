// The wsspec command line (see README): test-server, list, rules, report, expect, run,
// echo-server, echo-client. Exit status: 0 the gate passes (no MUST-level case failed, or every
// result is as --expect allows), 1 it does not, 2 usage error, unreadable file or target
// unreachable.
#pragma once

#include <ostream>

namespace wsspec::cli {

int run(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace wsspec::cli
