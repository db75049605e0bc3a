#include <iostream>

#include "wsspec/cli.hpp"

int main(int argc, char** argv) {
  return wsspec::cli::run(argc, argv, std::cout, std::cerr);
}
