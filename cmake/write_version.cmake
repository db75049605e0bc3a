# Writes OUTPUT, a C++ source defining wsspec::cli::project_version() (VERSION) and
# wsspec::cli::git_describe() (what `git describe` says of SOURCE_DIR), and leaves it untouched
# when its content would not change, so that an unchanged checkout rebuilds nothing.
#   cmake -DSOURCE_DIR=DIR -DOUTPUT=FILE -DVERSION=X.Y.Z -P write_version.cmake
# The describe is empty when SOURCE_DIR is not the top of a git checkout (a source archive, or a
# folder inside some other repository) or when git is missing.
cmake_minimum_required(VERSION 3.25)

foreach(var SOURCE_DIR OUTPUT VERSION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "write_version.cmake needs -D${var}=...")
  endif()
endforeach()

set(describe "")
find_program(GIT_EXECUTABLE git)
if(GIT_EXECUTABLE)
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" rev-parse --show-toplevel
                  OUTPUT_VARIABLE toplevel RESULT_VARIABLE rc ERROR_QUIET
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(rc EQUAL 0)
    file(REAL_PATH "${SOURCE_DIR}" source_real)
    file(REAL_PATH "${toplevel}" toplevel_real)
  endif()
  if(rc EQUAL 0 AND source_real STREQUAL toplevel_real)
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" describe --tags --always
                    OUTPUT_VARIABLE describe RESULT_VARIABLE rc ERROR_QUIET
                    OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT rc EQUAL 0)
      set(describe "")
    endif()
    # Dirty when a tracked file differs from the commit. `git status` without optional locks
    # never takes the index lock (`git describe --dirty` may), so building never gets in the way
    # of a git command run at the same time.
    if(NOT describe STREQUAL "")
      execute_process(COMMAND "${CMAKE_COMMAND}" -E env GIT_OPTIONAL_LOCKS=0
                              "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" status --porcelain
                              --untracked-files=no
                      OUTPUT_VARIABLE changes RESULT_VARIABLE rc ERROR_QUIET)
      if(NOT rc EQUAL 0)
        set(describe "")
      elseif(NOT changes STREQUAL "")
        string(APPEND describe "-dirty")
      endif()
    endif()
  endif()
endif()
# A describe is a ref name or a hash: nothing that needs escaping in a C++ string literal.
if(NOT describe MATCHES "^[A-Za-z0-9._/+-]*$")
  set(describe "")
endif()

set(content "// Written by cmake/write_version.cmake at build time.
#include \"wsspec/version.hpp\"

namespace wsspec::cli {

std::string_view project_version() { return \"${VERSION}\"; }
std::string_view git_describe() { return \"${describe}\"; }

}  // namespace wsspec::cli
")
set(old "")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL content)
  file(WRITE "${OUTPUT}" "${content}")
endif()
