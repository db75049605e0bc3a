// case_file_fuzz: the --case-file loader (harness/case_json.hpp) on arbitrary bytes.
//
// Input: the file's bytes.
//
// Oracle: read_case_file either returns cases or throws std::runtime_error naming what is wrong;
// any other exception is left uncaught, so it aborts where it was thrown. Every case it returns
// is written back by to_json (the format `wsspec list --json` prints), and that JSON reads back,
// without an error, to a case that writes the same JSON.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "wsspec/harness/case_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wsspec::harness;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::vector<case_def> cases;
  try {
    cases = read_case_file(in);
  } catch (const std::runtime_error&) {
    return 0;
  }
  for (const case_def& c : cases) {
    const nlohmann::json written = to_json(c);
    try {
      WSSPEC_FUZZ_CHECK(to_json(case_from_json(written)) == written);
    } catch (const std::runtime_error& e) {
      std::fprintf(stderr, "to_json wrote what case_from_json refuses: %s\n", e.what());
      wsspec::fuzz::oracle_failed("case_from_json(to_json(c)) does not throw", __FILE__, __LINE__);
    }
  }
  return 0;
}
