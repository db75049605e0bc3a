#include "wsspec/harness/plan.hpp"

#include <algorithm>

#include "wsspec/reference/close_code.hpp"

namespace wsspec::harness {

case_ending plan_ending(const case_def& c) {
  case_ending e;
  for (const auto& o : c.expect.outcomes) {
    std::size_t m = 0, p = 0;
    for (const auto& ev : o.events) (ev.what == expected_event::kind::message ? m : p)++;
    e.messages = std::max(e.messages, m);
    e.pongs = std::max(e.pongs, p);
  }
  if (c.expect.close.closes == close_expectation::who::target) {
    e.until = case_ending::wait::target_ends;
    e.close_code = ref::close_code::going_away;
    return e;
  }
  e.close_code = ref::close_code::normal;
  return e;
}

}  // namespace wsspec::harness
