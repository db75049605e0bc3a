// The wsspec command line (see README): test-server, list, report, echo-server, echo-client.
// Exit status: 0 no MUST-level case failed, 1 one did, 2 usage error or target unreachable.
#pragma once

#include <ostream>

namespace wsspec::cli {

int run(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace wsspec::cli
