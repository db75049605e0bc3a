#!/bin/sh
# Regenerates docs/rules.md from the catalogue and the tables of cases/rules/. Run it from the
# repository root after building wsspec; the argument is the wsspec program to use.
set -eu
wsspec="${1:-build/default/tools/wsspec}"
"$wsspec" rules --markdown >docs/rules.md.new
mv docs/rules.md.new docs/rules.md
