// The version wsspec reports (--version, and the tool_version of every report).
#pragma once

#include <string>
#include <string_view>

namespace wsspec::cli {

// CMake's project version, e.g. "0.1.0".
std::string_view project_version();

// What `git describe --tags --always` said of the source checkout when wsspec was built, with
// "-dirty" when tracked files differed from the commit; empty when not built from a git checkout.
std::string_view git_describe();

// "0.1.0 (v0.1.0-12-gabc1234)", or just "0.1.0" when git_describe() is empty.
std::string version();

}  // namespace wsspec::cli
