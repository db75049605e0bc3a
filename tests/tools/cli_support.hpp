// What the command-line tests share: running wsspec in-process, and a throw-away folder.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "wsspec/cli.hpp"

namespace wsspec::cli::support {

namespace fs = std::filesystem;

struct outcome {
  int code = -1;
  std::string out, err;
};

inline outcome wsspec(std::vector<std::string> args) {
  args.insert(args.begin(), "wsspec");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::ostringstream out, err;
  outcome o;
  o.code = run(static_cast<int>(args.size()), argv.data(), out, err);
  o.out = out.str();
  o.err = err.str();
  return o;
}

// A fresh folder under the system's temporary folder, removed afterwards.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "wsspec-cli-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace wsspec::cli::support
