// The files of cases/rules/, embedded at build time (harness/CMakeLists.txt writes their
// definitions).
#pragma once

#include <string_view>

namespace wsspec::harness::rules::data {

std::string_view rfc6455_sentences() noexcept;  // rfc6455.tsv
std::string_view rfc7692_sentences() noexcept;  // rfc7692.tsv
std::string_view coverage() noexcept;           // coverage.tsv
std::string_view rfc6455_text() noexcept;       // rfc6455.txt
std::string_view rfc7692_text() noexcept;       // rfc7692.txt

}  // namespace wsspec::harness::rules::data
