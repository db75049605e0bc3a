// What every family file uses: the case builder, frame and expectation constructors.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "wsspec/harness/catalogue.hpp"

namespace wsspec::cases {

using namespace harness;
using namespace std::chrono_literals;

// The close codes a target may use when it fails the connection for a protocol violation.
inline const std::vector<std::uint16_t> protocol_error{1002};
inline const std::vector<std::uint16_t> invalid_payload{1007};

}  // namespace wsspec::cases
