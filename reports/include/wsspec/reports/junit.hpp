// junit.xml for CI pages, in the common Jenkins/Ant shape: <testsuites> holding one <testsuite>
// per agent and RFC section, one <testcase> per case. A case that breaks the gate is a
// <failure> (a MUST not met; under `strict` a SHOULD too), a fault of wsspec is an <error>, an
// UNIMPLEMENTED case is <skipped>. Text from the target is escaped and stripped of characters XML
// 1.0 does not allow, so the file is well-formed whatever the target sent.
#pragma once

#include <ostream>

#include "wsspec/reports/report.hpp"

namespace wsspec::reports {

void write_junit(const report& r, std::ostream& out, bool strict);

}  // namespace wsspec::reports
