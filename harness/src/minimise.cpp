#include "wsspec/harness/minimise.hpp"

#include <algorithm>

namespace wsspec::harness::fuzzing {

namespace {

// The first half of a payload (or nothing, for one byte).
payload_spec halved(const payload_spec& p) {
  const std::uint64_t n = p.length / 2;
  if (p.literal()) return payload_spec::bytes({p.pattern.begin(), p.pattern.begin() + n});
  payload_spec out = p;
  out.length = n;
  return out;
}

std::uint64_t frame_size(const wire_frame& f) {
  return 16 + f.payload.length;
}

void reduce_frames(const case_def& c, std::size_t step, const std::vector<wire_frame>& frames,
                   auto&& with, std::vector<case_def>& out) {
  for (std::size_t i = 0; i < frames.size(); ++i) {
    auto fewer = frames;
    fewer.erase(fewer.begin() + static_cast<std::ptrdiff_t>(i));
    out.push_back(with(c, step, std::move(fewer)));
  }
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].payload.length == 0) continue;
    auto shorter = frames;
    shorter[i].payload = halved(frames[i].payload);
    if (shorter[i].declared_length && *shorter[i].declared_length >= shorter[i].payload.length)
      shorter[i].declared_length.reset();
    out.push_back(with(c, step, std::move(shorter)));
  }
}

}  // namespace

std::vector<case_def> reductions(const case_def& c) {
  std::vector<case_def> out;
  for (std::size_t i = 0; i < c.steps.size(); ++i) {
    case_def fewer = c;
    fewer.steps.erase(fewer.steps.begin() + static_cast<std::ptrdiff_t>(i));
    out.push_back(std::move(fewer));
  }
  const auto with_frames = [](const case_def& base, std::size_t step,
                              std::vector<wire_frame> frames) {
    case_def r = base;
    if (auto* f = std::get_if<send_frames>(&r.steps[step])) f->frames = std::move(frames);
    if (auto* cl = std::get_if<close_step>(&r.steps[step])) cl->then = std::move(frames);
    return r;
  };
  for (std::size_t i = 0; i < c.steps.size(); ++i) {
    const step& s = c.steps[i];
    if (const auto* f = std::get_if<send_frames>(&s)) {
      if (f->chop > 0 || f->pause.count() > 0) {
        case_def r = c;
        auto& g = std::get<send_frames>(r.steps[i]);
        g.chop = 0;
        g.pause = {};
        out.push_back(std::move(r));
      }
      reduce_frames(c, i, f->frames, with_frames, out);
    } else if (const auto* raw = std::get_if<send_raw>(&s)) {
      if (raw->chop > 0 || raw->pause.count() > 0) {
        case_def r = c;
        auto& g = std::get<send_raw>(r.steps[i]);
        g.chop = 0;
        g.pause = {};
        out.push_back(std::move(r));
      }
      if (raw->bytes.length > 0) {
        case_def r = c;
        auto& g = std::get<send_raw>(r.steps[i]);
        g.bytes = halved(g.bytes);
        out.push_back(std::move(r));
      }
    } else if (const auto* cl = std::get_if<close_step>(&s)) {
      if (!cl->reason.empty()) {
        case_def r = c;
        auto& g = std::get<close_step>(r.steps[i]);
        g.reason.resize(g.reason.size() / 2);
        out.push_back(std::move(r));
      }
      if (cl->raw_payload && cl->raw_payload->length > 0) {
        case_def r = c;
        auto& g = std::get<close_step>(r.steps[i]);
        g.raw_payload = halved(*g.raw_payload);
        out.push_back(std::move(r));
      }
      reduce_frames(c, i, cl->then, with_frames, out);
    } else if (const auto* p = std::get_if<pause_step>(&s); p && p->duration.count() > 0) {
      case_def r = c;
      std::get<pause_step>(r.steps[i]).duration = {};
      out.push_back(std::move(r));
    }
  }
  const auto& h = c.handshake;
  if (h.raw_request) {
    case_def r = c;
    r.handshake.raw_request.reset();
    out.push_back(std::move(r));
  }
  for (std::size_t i = 0; i < h.extra_headers.size(); ++i) {
    case_def r = c;
    r.handshake.extra_headers.erase(r.handshake.extra_headers.begin() +
                                    static_cast<std::ptrdiff_t>(i));
    out.push_back(std::move(r));
  }
  for (std::size_t i = 0; i < h.omit_headers.size(); ++i) {
    case_def r = c;
    r.handshake.omit_headers.erase(r.handshake.omit_headers.begin() +
                                   static_cast<std::ptrdiff_t>(i));
    out.push_back(std::move(r));
  }
  if (h.chop > 0 || h.pause.count() > 0) {
    case_def r = c;
    r.handshake.chop = 0;
    r.handshake.pause = {};
    out.push_back(std::move(r));
  }
  return out;
}

std::uint64_t stimulus_size(const case_def& c) {
  std::uint64_t n = 0;
  const auto writes = [](std::size_t chop, std::uint64_t bytes) -> std::uint64_t {
    return chop == 0 ? 0 : (bytes + chop - 1) / chop;
  };
  for (const auto& s : c.steps) {
    n += 1000;
    if (const auto* f = std::get_if<send_frames>(&s)) {
      std::uint64_t bytes = 0;
      for (const auto& fr : f->frames) bytes += frame_size(fr);
      n += 100 * f->frames.size() + bytes + 10 * writes(f->chop, bytes) +
           static_cast<std::uint64_t>(f->pause.count());
    } else if (const auto* raw = std::get_if<send_raw>(&s)) {
      n += raw->bytes.length + 10 * writes(raw->chop, raw->bytes.length) +
           static_cast<std::uint64_t>(raw->pause.count());
    } else if (const auto* cl = std::get_if<close_step>(&s)) {
      n += cl->reason.size() + (cl->raw_payload ? cl->raw_payload->length : 0);
      for (const auto& fr : cl->then) n += 100 + frame_size(fr);
    } else if (const auto* p = std::get_if<pause_step>(&s)) {
      n += static_cast<std::uint64_t>(p->duration.count());
    }
  }
  const auto& h = c.handshake;
  if (h.raw_request) n += 500;
  n += 100 * (h.extra_headers.size() + h.omit_headers.size());
  if (h.chop > 0 || h.pause.count() > 0) n += 50;
  return n;
}

}  // namespace wsspec::harness::fuzzing
