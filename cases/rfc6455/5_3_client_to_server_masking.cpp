// RFC 6455 §5.3 client-to-server masking (server role): the client chooses any 32-bit masking key
// for each frame, and the server unmasks every frame with the key that frame carries.
#include <string>

#include "common/builders.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* any_key =
    "The masking key is a 32-bit value chosen at random by the client. When preparing a masked "
    "frame, the client MUST pick a fresh masking key from the set of allowed 32-bit values. [...] "
    "Octet i of the transformed data (\"transformed-octet-i\") is the XOR of octet i of the "
    "original data (\"original-octet-i\") with octet at index i modulo 4 of the masking key "
    "(\"masking-key-octet-j\")";

wire_frame keyed(wire_frame f, ref::mask_key key) {
  f.key = key;
  return f;
}

void add_client_to_server_masking(catalogue& cat) {
  struct key_row {
    const char* slug;
    ref::mask_key key;
    const char* description;
  };
  const key_row keys[] = {
      {"mask-key-zero",
       {0x00, 0x00, 0x00, 0x00},
       "Send a text frame masked with the all-zero key (the payload appears as is on the wire, "
       "but the mask bit is set); the server accepts it and echoes the text."},
      {"mask-key-all-ones",
       {0xff, 0xff, 0xff, 0xff},
       "Send a text frame masked with the key ff ff ff ff; the server unmasks it and echoes "
       "the text."},
  };
  const std::string odd_length = "Unmask me with any key";
  for (const auto& k : keys) {
    cat.add(std::string("rfc6455/5.3/") + k.slug)
        .section("5.3")
        .roles(role_set::server)
        .must(any_key)
        .describe(k.description)
        .send({keyed(text(odd_length), k.key)})
        .expect_echo({text_message(odd_length)});
  }
  cat.add("rfc6455/5.3/fragments-with-different-keys")
      .section("5.3")
      .roles(role_set::server)
      .must(any_key)
      .describe(
          "Send a text message in three fragments, each masked with its own key (one of them "
          "with a payload that is not a multiple of 4 bytes); the server unmasks each frame with "
          "its own key and echoes the whole message.")
      .send({keyed(text("Hello", false), {0x01, 0x02, 0x03, 0x04}),
             keyed(continuation(", wo", false), {0xa5, 0x5a, 0xc3, 0x3c}),
             keyed(continuation("rld"), {0x80, 0x00, 0xff, 0x7f})})
      .expect_echo({text_message("Hello, world")});
}

}  // namespace

WSSPEC_FAMILY(6455, "5.3", add_client_to_server_masking);

}  // namespace wsspec::cases
