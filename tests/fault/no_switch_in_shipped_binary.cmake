# Fails when the shipped program contains the rule switch of the fault-injection build
# (wsspec::ref::disable_rules), and when the faulty peer does not (then the check would prove
# nothing). Run with -DNM=... -DSHIPPED=... -DFAULTY=...
function(has_switch binary out)
  execute_process(COMMAND ${NM} -C ${binary} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} cannot read ${binary}")
  endif()
  string(FIND "${symbols}" "wsspec::ref::disable_rules" at)
  if(at EQUAL -1)
    set(${out} FALSE PARENT_SCOPE)
  else()
    set(${out} TRUE PARENT_SCOPE)
  endif()
endfunction()

has_switch(${FAULTY} faulty)
if(NOT faulty)
  message(FATAL_ERROR "${FAULTY} has no wsspec::ref::disable_rules: the check is void")
endif()
has_switch(${SHIPPED} shipped)
if(shipped)
  message(FATAL_ERROR "${SHIPPED} contains the test-only rule switch (WSSPEC_FAULT_INJECTION)")
endif()
