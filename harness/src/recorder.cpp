#include "wsspec/harness/recorder.hpp"

#include <algorithm>

namespace wsspec::harness {

recorder_limits performance_limits() {
  recorder_limits l;
  l.max_entries = 512;
  l.total_bytes = 16 * 1024;
  l.full_note = "the log stops here: a case of many alike messages logs only its start";
  return l;
}

entry& recorder::log(entry_kind k, std::string text, micros at) {
  const bool bulky = k == entry_kind::tx_bytes || k == entry_kind::rx_bytes ||
                     k == entry_kind::tx_frame || k == entry_kind::rx_frame ||
                     k == entry_kind::rx_message;
  const std::size_t cap = limits_.max_entries;
  if (t_.entries.size() >= cap + (bulky ? 0 : cap / 10)) {
    scratch_ = entry{};
    return scratch_;
  }
  if (bulky && t_.entries.size() + 1 == cap) {
    entry note;
    note.at = at;
    note.text = limits_.full_note;
    t_.entries.push_back(std::move(note));
    scratch_ = entry{};
    return scratch_;
  }
  entry e;
  e.at = at;
  e.kind = k;
  e.text = std::move(text);
  t_.entries.push_back(std::move(e));
  return t_.entries.back();
}

void recorder::keep_bytes(entry& e, std::span<const std::uint8_t> bytes) {
  e.size = bytes.size();
  std::size_t keep = std::min(bytes.size(), limits_.entry_bytes);
  keep = std::min(keep, limits_.total_bytes - std::min(limits_.total_bytes, kept_bytes_));
  e.bytes.assign(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(keep));
  kept_bytes_ += keep;
}

void recorder::violation(ref::error e, std::string detail, micros at) {
  if (t_.violations.size() >= limits_.max_violations) return;
  auto& en = log(entry_kind::violation,
                 std::string(ref::describe(e)) + (detail.empty() ? "" : ": " + detail), at);
  en.violations.add(e);
  t_.violations.emplace_back(e, std::move(detail));
}

void recorder::listed_violation(ref::error e, std::string detail) {
  if (t_.violations.size() < limits_.max_violations)
    t_.violations.emplace_back(e, std::move(detail));
}

}  // namespace wsspec::harness
