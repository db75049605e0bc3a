#include <iostream>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "wsspec/cli.hpp"

int main(int argc, char** argv) {
#if defined(__GLIBC__)
  // Buffers of 128 KiB or more (messages of up to 64 MiB, their blocks) are mapped one by one
  // and returned to the system when freed. By default glibc raises this threshold to the largest
  // buffer freed so far, after which large buffers come from the heap, where a freed one stays
  // resident: a server echoing a second large message would hold the first one's memory too.
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
  return wsspec::cli::run(argc, argv, std::cout, std::cerr);
}
