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
  if (c.expect.echo_streams)
    for (const auto& s : c.steps)
      if (const auto* ms = std::get_if<message_stream>(&s)) e.messages += ms->count;
  if (c.expect.close.closes == close_expectation::who::target) {
    e.until = case_ending::wait::target_ends;
    e.close_code = ref::close_code::going_away;
    return e;
  }
  e.close_code = ref::close_code::normal;
  return e;
}

bool streams_messages(const case_def& c) {
  return std::any_of(c.steps.begin(), c.steps.end(),
                     [](const step& s) { return std::holds_alternative<message_stream>(s); });
}

bool deflate_unavailable(const case_def& c, const transcript& t) {
  if (!c.expect.requires_deflate) return false;
  if (t.target == ref::role::client && c.handshake.response.extensions) return !t.deflate_offered;
  return !t.deflate_agreed;
}

}  // namespace wsspec::harness
