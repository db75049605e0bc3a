#include "wsspec/version.hpp"

// project_version() and git_describe() are defined in a source file written at build time
// (cmake/write_version.cmake), so a new commit relinks wsspec without recompiling the rest.

namespace wsspec::cli {

std::string version() {
  std::string v(project_version());
  if (const auto describe = git_describe(); !describe.empty()) {
    v += " (";
    v += describe;
    v += ")";
  }
  return v;
}

}  // namespace wsspec::cli
