# Pure code does not include I/O: no file of reference/ outside its asio/ adapter, and no file of
# the case model (the wsspec_model library), includes Asio or a driver header.
#   cmake -DSOURCE_DIR=... -DMODEL_SOURCES="a.cpp;b.cpp" -P layering.cmake
file(GLOB_RECURSE pure ${SOURCE_DIR}/reference/src/* ${SOURCE_DIR}/reference/include/*)
file(GLOB model_headers ${SOURCE_DIR}/harness/include/wsspec/harness/*.hpp)
list(REMOVE_ITEM model_headers ${SOURCE_DIR}/harness/include/wsspec/harness/transport.hpp
                               ${SOURCE_DIR}/harness/include/wsspec/harness/session.hpp
                               ${SOURCE_DIR}/harness/include/wsspec/harness/runner.hpp
                               ${SOURCE_DIR}/harness/include/wsspec/harness/fuzz_campaign.hpp)
list(APPEND pure ${MODEL_SOURCES} ${model_headers})
set(bad "")
foreach(f IN LISTS pure)
  file(STRINGS ${f} lines REGEX "^#include")
  foreach(line IN LISTS lines)
    if(line MATCHES "asio" OR line MATCHES "harness/(transport|session|runner|fuzz_campaign)\\.hpp")
      file(RELATIVE_PATH rel ${SOURCE_DIR} ${f})
      string(APPEND bad "${rel}: ${line}\n")
    endif()
  endforeach()
endforeach()
list(LENGTH pure count)
if(count LESS 20)
  message(FATAL_ERROR "layering: only ${count} files found; the check reads the wrong tree")
endif()
if(bad)
  message(FATAL_ERROR "pure code includes I/O:\n${bad}")
endif()
message(STATUS "layering: ${count} pure files include no Asio")
