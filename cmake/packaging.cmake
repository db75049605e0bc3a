# Installing wsspec and its Debian package (`cpack -G DEB` in a build folder):
#   /usr/bin/wsspec
#   /usr/share/man/man1/wsspec.1.gz                    written from the help of every subcommand
#   /usr/share/bash-completion/completions/wsspec      written from the same help
#   /usr/share/doc/wsspec/                             README, CONFORMANCE and docs/
# The manual page and the completion are made at build time by tools/man/from-help, which runs
# the wsspec just built; the package's dependencies come from dpkg-shlibdeps (dpkg-dev).
if(WSSPEC_FUZZ)
  # A fuzzing build's wsspec is instrumented for libFuzzer: nothing to run at build time, nothing
  # to ship.
  return()
endif()

include(GNUInstallDirs)

find_program(WSSPEC_GZIP gzip REQUIRED)
set(WSSPEC_GENERATED_DOCS ${CMAKE_BINARY_DIR}/generated-docs)
set(WSSPEC_FROM_HELP ${PROJECT_SOURCE_DIR}/tools/man/from-help)
# A coverage build's wsspec would write a profile at every run: not for help texts.
set(WSSPEC_RUN_QUIETLY ${CMAKE_COMMAND} -E env LLVM_PROFILE_FILE=/dev/null)
add_custom_command(
  OUTPUT ${WSSPEC_GENERATED_DOCS}/wsspec.1.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${WSSPEC_GENERATED_DOCS}
  COMMAND ${WSSPEC_RUN_QUIETLY} bash ${WSSPEC_FROM_HELP} man $<TARGET_FILE:wsspec>
          ${WSSPEC_GENERATED_DOCS}/wsspec.1
  # Debian's manual pages: gzip -9, no name or time stamp in the header.
  COMMAND ${WSSPEC_GZIP} -9 -n -f -k ${WSSPEC_GENERATED_DOCS}/wsspec.1
  DEPENDS wsspec ${WSSPEC_FROM_HELP}
  COMMENT "Writing the wsspec manual page from its help"
  VERBATIM)
add_custom_command(
  OUTPUT ${WSSPEC_GENERATED_DOCS}/completions/wsspec
  COMMAND ${CMAKE_COMMAND} -E make_directory ${WSSPEC_GENERATED_DOCS}/completions
  COMMAND ${WSSPEC_RUN_QUIETLY} bash ${WSSPEC_FROM_HELP} completion $<TARGET_FILE:wsspec>
          ${WSSPEC_GENERATED_DOCS}/completions/wsspec
  DEPENDS wsspec ${WSSPEC_FROM_HELP}
  COMMENT "Writing the wsspec bash completion from its help"
  VERBATIM)
add_custom_target(wsspec_docs ALL DEPENDS ${WSSPEC_GENERATED_DOCS}/wsspec.1.gz
                                          ${WSSPEC_GENERATED_DOCS}/completions/wsspec)

install(TARGETS wsspec RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${WSSPEC_GENERATED_DOCS}/wsspec.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${WSSPEC_GENERATED_DOCS}/completions/wsspec
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES README.md CONFORMANCE.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs FILES_MATCHING PATTERN "*.md")
foreach(license LICENSE LICENSE.md COPYING)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${license})
    install(FILES ${license} DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)
  endif()
endforeach()

set(WSSPEC_PACKAGE_CONTACT "wsspec maintainers"
    CACHE STRING "The Maintainer field of the Debian package")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME wsspec)
set(CPACK_PACKAGE_VENDOR wsspec)
set(CPACK_PACKAGE_CONTACT "${WSSPEC_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "WebSocket (RFC 6455, RFC 7692) conformance test suite")
set(CPACK_PACKAGE_DESCRIPTION
    "wsspec tests a WebSocket server, or WebSocket clients, against every requirement of RFC 6455 \
and RFC 7692 (permessage-deflate) that shows on the wire, under Autobahn|Testsuite's case numbers, \
and exits non-zero when a MUST is broken. It writes JSON, HTML, JUnit XML and Autobahn's \
index.json, and includes a strict reference echo server and client.")
# wsspec_<version>_<architecture>.deb
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS bash-completion)
if(CMAKE_BUILD_TYPE MATCHES "^(Release|MinSizeRel)$")
  set(CPACK_STRIP_FILES ON)
endif()
include(CPack)
