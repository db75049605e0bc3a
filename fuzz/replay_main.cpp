// The replay driver: a plain main() that runs a fuzz target's LLVMFuzzerTestOneInput on every
// file of the folders (or on the files) named on the command line, so that the regression inputs
// and seeds are replayed by ctest in builds without libFuzzer (g++, the asan preset). A target
// whose oracle fails aborts, which fails the test. An empty or missing folder replays nothing.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

std::vector<std::uint8_t> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Files to replay under `p`, in name order; dot-files (.gitkeep) are not inputs.
std::vector<fs::path> inputs_of(const fs::path& p) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (fs::is_regular_file(p, ec)) {
    out.push_back(p);
  } else if (fs::is_directory(p, ec)) {
    for (const auto& entry : fs::recursive_directory_iterator(p, ec)) {
      if (!entry.is_regular_file()) continue;
      if (entry.path().filename().string().starts_with(".")) continue;
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    for (const auto& file : inputs_of(argv[i])) {
      std::fprintf(stderr, "replaying %s\n", file.c_str());
      const std::vector<std::uint8_t> bytes = read_file(file);
      // A copy of exactly the input's size (never a null pointer, as with libFuzzer), so that
      // reading past its end is caught by ASan.
      const auto exact = std::make_unique<std::uint8_t[]>(bytes.size() + (bytes.empty() ? 1 : 0));
      std::copy(bytes.begin(), bytes.end(), exact.get());
      LLVMFuzzerTestOneInput(exact.get(), bytes.size());
      ++count;
    }
  }
  std::printf("replayed %zu inputs\n", count);
  return 0;
}
