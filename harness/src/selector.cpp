#include "wsspec/harness/selector.hpp"

#include <algorithm>

namespace wsspec::harness {

namespace {

bool glob(std::string_view p, std::string_view t) {
  // Iterative wildcard match: '*' matches any run of characters.
  std::size_t pi = 0, ti = 0, star = std::string_view::npos, back = 0;
  while (ti < t.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      back = ti;
    } else if (pi < p.size() && p[pi] == t[ti]) {
      ++pi;
      ++ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++back;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool prefix_at_boundary(std::string_view prefix, std::string_view text) {
  if (prefix.empty() || !text.starts_with(prefix)) return false;
  if (text.size() == prefix.size()) return true;
  const char next = text[prefix.size()];
  return next == '/' || next == '.' || prefix.back() == '/';
}

}  // namespace

bool matches(const std::string& pattern, const case_def& c) {
  if (pattern.find('*') != std::string::npos)
    return glob(pattern, c.id) || (!c.autobahn.empty() && glob(pattern, c.autobahn));
  return prefix_at_boundary(pattern, c.id) ||
         (!c.autobahn.empty() && prefix_at_boundary(pattern, c.autobahn));
}

std::vector<const case_def*> select(const std::vector<case_def>& cases, const selection& s,
                                    std::vector<std::string>& unmatched) {
  std::vector<const case_def*> out;
  std::vector<bool> used(s.include.size(), false);
  for (const auto& c : cases) {
    if (!applies_to(c.roles, s.target)) continue;
    bool in = s.include.empty();
    for (std::size_t i = 0; i < s.include.size(); ++i) {
      if (matches(s.include[i], c)) {
        in = true;
        used[i] = true;
      }
    }
    if (!in) continue;
    if (std::any_of(s.exclude.begin(), s.exclude.end(),
                    [&](const std::string& p) { return matches(p, c); }))
      continue;
    out.push_back(&c);
  }
  for (std::size_t i = 0; i < s.include.size(); ++i)
    if (!used[i]) unmatched.push_back(s.include[i]);
  if (s.shard_count > 1) {
    std::vector<const case_def*> part;
    for (std::size_t i = 0; i < out.size(); ++i)
      if (i % s.shard_count == s.shard_index - 1) part.push_back(out[i]);
    out.swap(part);
  }
  return out;
}

}  // namespace wsspec::harness
