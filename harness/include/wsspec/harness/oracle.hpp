// The reference as the oracle of `wsspec fuzz`: what the reference implementation did with a
// mutated stimulus becomes what a live target must do with it, judged by the same evaluator as
// the catalogue, at the level of the RFC sentence the reference acted on. Pure: transcripts in,
// cases and findings out.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wsspec/harness/catalogue.hpp"
#include "wsspec/harness/evaluator.hpp"
#include "wsspec/harness/mutator.hpp"
#include "wsspec/harness/transcript.hpp"

namespace wsspec::harness::fuzzing {

// What the reference did with the stimulus: its side of the session, and each rule it failed the
// connection (or refused the handshake) for, in the order it did.
struct reference_run {
  transcript log;
  std::vector<ref::error> failures;
  // Every message the reference received and echoed, whole, in order (the transcript keeps
  // only digests).
  std::vector<std::pair<std::uint8_t, std::vector<std::uint8_t>>> echoed;
};

// Whether a campaign mutates `c`: not a performance case (long, and alone), and not one about
// permessage-deflate, which a campaign does not negotiate.
bool fuzzable(const case_def& c);

// The case a live target is judged by: the stimulus of `mutated` with the expectation the
// reference's run gives, and the requirement of the rule the reference acted on.
//  - The reference refused the handshake: the target must refuse it too (RFC 6455 §4.2.1).
//  - It accepted a mutated handshake: a target that refuses it only informs (a server may refuse
//    a connection for reasons of its own, §4.2.2).
//  - It failed the connection on rule R: the target must fail it (a Close with the reference's
//    code or one the catalogue's case for R accepts, or a bare TCP close) after echoing what the
//    reference echoed; the level is that of the catalogue's case for R (the base case first), so
//    a rule the RFC leaves open gives an open finding. When the stimulus ends inside a frame or
//    a message, the reference may have failed on bytes a target checks only once the frame or
//    message is whole: not failing is then INFORMATIONAL (level MAY).
//  - It echoed and closed: the target echoes the same messages and answers the same Pings
//    (§6.2, §5.5.2), then completes the closing handshake.
//  Where the connection ends early (a failure, or a Close of the stimulus), fewer echoes, in
//  order and unchanged, are NON-STRICT, as the catalogue judges them; other messages FAIL.
// `base` is the catalogue case the stimulus was mutated from (or null), `cat` the catalogue the
// rules' requirements are taken from. Nothing when the reference's run decides nothing: it was
// still waiting for bytes (a frame longer than what followed it) when the session ended.
std::optional<case_def> expect_as_reference(const case_def& mutated, const reference_run& reference,
                                            const case_def* base, const catalogue& cat);

// The level a finding has: FAILED for a MUST not met, NON-STRICT for a SHOULD (a Close with
// another status code, or a TCP close without a Close frame, RFC 6455 §7.1.7 and §7.4), and
// nothing (OK) when the target did as the reference did or only informs.
verdict finding_level(const case_result& r);

// The rule a finding breaks, for deduplication: "<reason code>/<rule>", where the rule is the one
// the reference failed on ("valid" when it failed on none).
std::string finding_key(const case_result& r, const reference_run& reference);

// The stimulus up to its first Close: the steps before the first close step, and a send_frames
// step holding a Close frame cut before that frame. When the reference fails on a frame before
// the Close just the same, the campaign judges this shorter stimulus: a target's Close crossing
// wsspec's on the wire could otherwise be read either as failing the connection or as answering
// wsspec's Close, depending on timing. Nothing when the stimulus sends no Close.
std::optional<case_def> before_first_close(const case_def& stimulus);

// Gives every frame of the stimulus that has no masking key one from `g`, so that the bytes it
// sends are the same in the reference's run, the target's, and any replay of its case file
// (a frame cut short by a declared length leaves masked bytes that the next header is read
// from).
void pin_mask_keys(case_def& stimulus, generator& g);

// How many frames of each kind a stimulus sends, for the coverage figures of a campaign
// ("text", "binary", "continuation", "close", "ping", "pong", "reserved-opcode", "rsv-bits",
// "unmasked", "non-minimal-length", "short-declared-length", "top-bit-length",
// "fragmented-control", "chopped-writes", "raw-bytes", "mutated-handshake").
void count_kinds(const case_def& stimulus, std::map<std::string, std::uint64_t>& into);

}  // namespace wsspec::harness::fuzzing
