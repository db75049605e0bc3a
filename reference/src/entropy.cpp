#include "wsspec/reference/entropy.hpp"

#include <sys/random.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace wsspec::ref {

void fill_random(std::span<std::uint8_t> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    // getrandom(2) may return fewer bytes than asked (above 256) or be interrupted by a signal.
    const ssize_t n = getrandom(bytes.data() + done, bytes.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "no random bytes");
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace wsspec::ref
