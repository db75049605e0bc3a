// RFC 7692 §7: the parameters of permessage-deflate, negotiated. Testing a server, wsspec offers
// each parameter malformed (unknown, duplicated, out of range, with leading zeros, quoted, without
// a required value or with a forbidden one) and the server must decline the offer; valid offers
// it may accept or decline, and an acceptance must answer them as §7.1 says. Testing a client,
// wsspec answers with each parameter malformed and the client must fail the connection; valid
// answers it must accept.
#include <string>
#include <vector>

#include "common/deflate.hpp"
#include "common/handshake.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* server_declines =
    "A server MUST decline an extension negotiation offer for this extension if any of the "
    "following conditions are met: o The negotiation offer contains an extension parameter not "
    "defined for use in an offer. o The negotiation offer contains an extension parameter with "
    "an invalid value. o The negotiation offer contains multiple extension parameters with the "
    "same name. o The server doesn't support the offered configuration.";

constexpr const char* client_fails =
    "A client MUST _Fail the WebSocket Connection_ if the peer server accepted an extension "
    "negotiation offer for this extension with an extension negotiation response meeting any "
    "of the following conditions: o The negotiation response contains an extension parameter "
    "not defined for use in a response. o The negotiation response contains an extension "
    "parameter with an invalid value. o The negotiation response contains multiple extension "
    "parameters with the same name. o The client does not support the configuration that the "
    "response represents.";

constexpr const char* client_window_rule =
    "If a received extension negotiation offer doesn't have the \"client_max_window_bits\" "
    "extension parameter, the corresponding extension negotiation response to the offer MUST "
    "NOT include the \"client_max_window_bits\" extension parameter.";

constexpr const char* decline_note =
    "Declining means a 101 response without permessage-deflate (RFC 7692 §5: \"A server "
    "declining all offered PMCEs MUST NOT include any element with PMCE names\"). A server that "
    "refuses the whole handshake instead accepts nothing either, and is reported as "
    "INFORMATIONAL.";

// A malformed parameter, as wsspec offers it to a server and answers it to a client.
struct malformed {
  const char* slug;
  const char* params;  // after "permessage-deflate"
  const char* what;
  bool in_offer = true;     // malformed in an offer too (a value-less client_max_window_bits is
                            // valid in an offer, not in a response)
  bool in_response = true;  // malformed in a response too
};

const malformed malformed_rows[] = {
    {"unknown-parameter", "; x-wsspec-mode=fast", "a parameter RFC 7692 does not define"},
    {"server-no-context-takeover-with-value", "; server_no_context_takeover=1",
     "server_no_context_takeover with a value (it has none)"},
    {"client-no-context-takeover-with-value", "; client_no_context_takeover=true",
     "client_no_context_takeover with a value (it has none)"},
    {"server-no-context-takeover-twice", "; server_no_context_takeover; server_no_context_takeover",
     "server_no_context_takeover twice"},
    {"client-no-context-takeover-twice", "; client_no_context_takeover; client_no_context_takeover",
     "client_no_context_takeover twice"},
    {"server-window-without-value", "; server_max_window_bits",
     "server_max_window_bits without its value"},
    {"server-window-7", "; server_max_window_bits=7", "server_max_window_bits=7, below 8"},
    {"server-window-16", "; server_max_window_bits=16", "server_max_window_bits=16, above 15"},
    {"server-window-0", "; server_max_window_bits=0", "server_max_window_bits=0"},
    {"server-window-leading-zero", "; server_max_window_bits=09",
     "server_max_window_bits=09, with a leading zero"},
    {"server-window-two-leading-zeros", "; server_max_window_bits=010",
     "server_max_window_bits=010, with a leading zero"},
    {"server-window-not-a-number", "; server_max_window_bits=ten",
     "server_max_window_bits=ten, no number"},
    {"server-window-quoted-out-of-range", "; server_max_window_bits=\"16\"",
     "server_max_window_bits=\"16\", quoted and out of range"},
    {"server-window-twice", "; server_max_window_bits=10; server_max_window_bits=11",
     "server_max_window_bits twice"},
    {"client-window-without-value", "; client_max_window_bits",
     "client_max_window_bits without its value (allowed in an offer, required in a response)",
     false, true},
    {"client-window-7", "; client_max_window_bits=7", "client_max_window_bits=7, below 8"},
    {"client-window-16", "; client_max_window_bits=16", "client_max_window_bits=16, above 15"},
    {"client-window-leading-zero", "; client_max_window_bits=08",
     "client_max_window_bits=08, with a leading zero"},
    {"client-window-negative", "; client_max_window_bits=-9",
     "client_max_window_bits=-9, no decimal without sign"},
    {"client-window-twice", "; client_max_window_bits; client_max_window_bits=10",
     "client_max_window_bits twice"},
};

void add_offer_cases(catalogue& cat) {
  handshake_expectation declined;
  declined.expect = handshake_expectation::outcome::either;
  declined.deflate = handshake_expectation::deflate_outcome::decline;
  declined.refusal_informs = true;
  for (const auto& r : malformed_rows) {
    if (!r.in_offer) continue;
    const std::string offer = std::string("permessage-deflate") + r.params;
    auto c = cat.add(std::string("rfc7692/7/offer-") + r.slug)
                 .rfc("RFC 7692")
                 .section("7")
                 .roles(role_set::server)
                 .must(server_declines)
                 .describe("Offer \"" + offer + "\": " + r.what +
                           ". The server declines the offer (no permessage-deflate in its 101), "
                           "then echoes a text message.")
                 .note(decline_note)
                 .rule(ref::error::bad_extension_parameter)
                 .offer_extensions(extensions_of(offer))
                 .expect_handshake(declined);
    echo_after_handshake(c);
  }

  // Preference order: the first offer is malformed, the second valid (RFC 7692 §5: a server
  // declines an offer it cannot accept and considers the next).
  handshake_expectation second_only;
  second_only.expect = handshake_expectation::outcome::either;
  second_only.refusal_informs = true;
  {
    const std::string offers = "permessage-deflate; server_max_window_bits=16, permessage-deflate";
    auto c = cat.add("rfc7692/7/offers-malformed-then-valid")
                 .rfc("RFC 7692")
                 .section("7")
                 .roles(role_set::server)
                 .must(server_declines)
                 .describe("Offer \"" + offers +
                           "\": a malformed offer, then a plain one. The server declines the "
                           "first and may accept the second (answering as to it: no "
                           "server_max_window_bits above 15), then echoes a text message.")
                 .note(decline_note)
                 .rule(ref::error::bad_extension_parameter)
                 .offer_extensions(extensions_of(offers))
                 .expect_handshake(second_only);
    echo_after_handshake(c);
  }

  // Valid offers: the server may accept or decline; what it answers is judged by RFC 7692 §7.1
  // in every case (a response the offer does not allow fails).
  struct valid {
    const char* slug;
    const char* offers;
    const char* requirement;
    const char* what;
  };
  const valid valid_rows[] = {
      {"offer-plain", "permessage-deflate", client_window_rule,
       "an offer without parameters: an acceptance must not carry client_max_window_bits"},
      {"offer-all-four-parameters",
       "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
       "server_max_window_bits=12; client_max_window_bits=12",
       server_declines,
       "every parameter, valid: an acceptance carries server_no_context_takeover and "
       "server_max_window_bits of 12 or less"},
      {"offer-server-window-8", "permessage-deflate; server_max_window_bits=8", server_declines,
       "the smallest window the server may compress with: an acceptance answers "
       "server_max_window_bits=8"},
      {"offer-client-window-8", "permessage-deflate; client_max_window_bits=8", server_declines,
       "the smallest window the client compresses with"},
      {"offer-server-window-quoted", "permessage-deflate; server_max_window_bits=\"10\"",
       server_declines,
       "server_max_window_bits as a quoted string (RFC 6455 §9.1: after unquoting the value "
       "follows the parameter's grammar)"},
      {"offers-three-in-preference-order",
       "permessage-deflate; server_no_context_takeover; server_max_window_bits=10, "
       "permessage-deflate; server_no_context_takeover, permessage-deflate",
       server_declines, "three valid offers: an acceptance answers one of them"},
  };
  for (const auto& v : valid_rows) {
    auto c = cat.add(std::string("rfc7692/7/") + v.slug)
                 .rfc("RFC 7692")
                 .section("7")
                 .roles(role_set::server)
                 .must(v.requirement)
                 .describe(std::string("Offer \"") + v.offers + "\": " + v.what +
                           ". The server accepts or declines; then it echoes a text message.")
                 .offer_extensions(extensions_of(v.offers))
                 .expect_handshake(second_only);
    echo_after_handshake(c);
  }
}

constexpr std::string_view probe = "a client that failed the connection cannot echo this";

void add_response_cases(catalogue& cat) {
  for (const auto& r : malformed_rows) {
    if (!r.in_response) continue;
    const std::string answer = std::string("permessage-deflate") + r.params;
    cat.add(std::string("rfc7692/7/response-") + r.slug)
        .rfc("RFC 7692")
        .section("7")
        .roles(role_set::client)
        .must(client_fails)
        .describe("Accept the client's permessage-deflate offer with \"" + answer +
                  "\": " + r.what +
                  ". The client fails the connection, so the text message wsspec sends next is "
                  "never echoed. UNIMPLEMENTED for a client that offers no permessage-deflate.")
        .rule(ref::error::bad_extension_parameter)
        .response_extensions(answer)
        .requires_deflate()
        .expect_client_fails()
        .send({text(probe)});
  }
  cat.add("rfc7692/7/response-accepts-twice")
      .rfc("RFC 7692")
      .section("7")
      .roles(role_set::client)
      .must(client_fails)
      .describe(
          "Accept the client's permessage-deflate offer twice, \"permessage-deflate, "
          "permessage-deflate\": a configuration no client supports. The client fails the "
          "connection. UNIMPLEMENTED for a client that offers no permessage-deflate.")
      .rule(ref::error::duplicate_extension)
      .response_extensions("permessage-deflate, permessage-deflate")
      .requires_deflate()
      .expect_client_fails()
      .send({text(probe)});

  cat.add("rfc7692/7/response-with-second-rsv1-extension")
      .rfc("RFC 7692")
      .section("7")
      .roles(role_set::client)
      .must(
          "RFC 7692 §5: A client that received a response accepting a PMCE extension negotiation "
          "offer together with such an extension MUST _Fail the WebSocket Connection_.")
      .describe(
          "Accept the client's permessage-deflate offer together with x-webkit-deflate-frame, "
          "an extension that also compresses and marks it with RSV1 (and that the client did "
          "not offer): \"permessage-deflate, x-webkit-deflate-frame\". The client fails the "
          "connection. UNIMPLEMENTED for a client that offers no permessage-deflate.")
      .rule(ref::error::unoffered_extension)
      .response_extensions("permessage-deflate, x-webkit-deflate-frame")
      .requires_deflate()
      .expect_client_fails()
      .send({text(probe)});

  // Valid answers the client must go on with, then exchange compressed messages under.
  struct valid {
    const char* slug;
    ref::deflate_server_policy policy;
    const char* requirement;
    const char* what;
  };
  ref::deflate_server_policy server_reset = asking_client();
  server_reset.server_no_context_takeover = true;
  ref::deflate_server_policy server_window = asking_client();
  server_window.server_max_window_bits = 10;
  const valid valid_rows[] = {
      {"response-server-no-context-takeover-unasked", server_reset,
       "A server MAY include the \"server_no_context_takeover\" extension parameter in an "
       "extension negotiation response even if the extension negotiation offer being accepted "
       "by the extension negotiation response didn't include the \"server_no_context_takeover\" "
       "extension parameter.",
       "server_no_context_takeover, whether or not the client offered it"},
      {"response-client-no-context-takeover", asking_client(true),
       "A client MUST support the \"client_no_context_takeover\" extension parameter in an "
       "extension negotiation response.",
       "client_no_context_takeover: the client then compresses every message on its own, and "
       "wsspec inflates what it sends so"},
      {"response-server-window-10-unasked", server_window,
       "Absence of this parameter in an extension negotiation offer indicates that the client "
       "can receive messages compressed using an LZ77 sliding window of up to 32,768 bytes.",
       "server_max_window_bits=10, whether or not the client offered it"},
  };
  message_stream json_messages;
  json_messages.units = 2048;
  json_messages.count = 4;
  for (const auto& v : valid_rows) {
    cat.add(std::string("rfc7692/7/") + v.slug)
        .rfc("RFC 7692")
        .section("7")
        .roles(role_set::client)
        .must(v.requirement)
        .describe(std::string("Accept the client's permessage-deflate offer answering ") + v.what +
                  "; the client goes on and echoes 4 compressed JSON text messages of 2048 "
                  "characters. UNIMPLEMENTED for a client that offers no permessage-deflate.")
        .answer_deflate(v.policy)
        .requires_deflate()
        .stream(json_messages)
        .expect_stream_echo();
  }
}

void add_parameters(catalogue& cat) {
  add_offer_cases(cat);
  add_response_cases(cat);
}

}  // namespace

WSSPEC_FAMILY(7692, "7", add_parameters);

}  // namespace wsspec::cases
