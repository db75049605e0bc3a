#!/usr/bin/env bash
# Checks the bash completion against what wsspec itself accepts: every subcommand it offers is
# one (its help says so), every subcommand and option in the help is offered, every option it
# offers is accepted by that command, it treats an option as taking a value exactly when wsspec
# does, and the values it offers for a choice option are the ones wsspec accepts.
#   completion_test.sh WSSPEC COMPLETION_FILE
# Options are tried as `wsspec PATH REQUIRED... --no-such-option OPTION [VALUE]...`: the unknown
# option stops wsspec before it runs anything, and the error says whether the others were known.
# Options are tried together first, one by one only when that fails (to name the culprit).
set -euo pipefail
wsspec=$1
# shellcheck source=/dev/null
source "$2"

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

on_one_line() { tr '\n' ' ' <<<"$1" | sed 's/ $//'; }

# What the completion offers for a command line; the last word is the one being completed.
offered() {
  local line=$1
  read -ra COMP_WORDS <<<"$line"
  [[ $line == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _wsspec
  printf '%s\n' "${COMPREPLY[@]}"
}

# `wsspec PATH --help`, asked once per path (keyed "/PATH": a key cannot be empty).
declare -A help_text
load_help() {
  # shellcheck disable=SC2086 # the path is words
  [[ -v help_text[/$1] ]] || help_text[/$1]=$("$wsspec" $1 --help)
}
help_of() { printf '%s\n' "${help_text[/$1]}"; }

# The entries of a section of PATH's help (their first word, e.g. "-o,--output").
help_entries() {
  awk -v section="$2:" '
    /^[A-Za-z]+:$/ { inside = ($0 == section); next }
    inside && /^  [^ ]/ { print $1 }' < <(help_of "$1")
}

# Arguments that satisfy PATH's required positionals and options, except options named in the
# words of $2 (given by the probe itself).
required_args() {
  local path=$1 except=" $2 " line names name given
  while IFS= read -r line; do
    [[ $line =~ ^\ \ ([^ ]+)\ .*REQUIRED ]] || continue
    names=${BASH_REMATCH[1]}
    if [[ $names != -* ]]; then
      printf '%s\n' x
      continue
    fi
    given=0
    for name in ${names//,/ }; do [[ $except != *" $name "* ]] || given=1; done
    ((given)) || printf '%s\n' "${names##*,}" x
  done < <(awk '/^Options:$|^Positionals:$/ { on = 1; next } /^[A-Za-z]+:$/ { on = 0 } on' \
    < <(help_of "$path"))
}

# Runs `wsspec PATH REQUIRED... --no-such-option ARGS...`; sets $status and $said.
probe() {
  local path=$1
  shift
  local -a required
  mapfile -t required < <(required_args "$path" "$*")
  # shellcheck disable=SC2086
  said=$("$wsspec" $path "${required[@]}" --no-such-option "$@" 2>&1) && status=0 || status=$?
}

# The probe's options were known: wsspec refuses only the unknown options (as many as $2, by
# default 1), or refuses option $1 for an option it needs or excludes (which wsspec knows only
# of options it has).
accepted() {
  local unknown=--no-such-option i
  for ((i = 1; i < ${2:-1}; i++)); do unknown+=" --no-such-option"; done
  [[ $said == *" expected: $unknown ("* ||
    $said == "wsspec: $1 requires "* || $said == "wsspec: $1 excludes "* ]]
}

# The value a probe gives an option that takes one: a choice the completion offers, or a
# number, which every option of wsspec with a value accepts when it is parsed.
probe_value() {
  local choices
  choices=$(offered "$1 $2 ")
  choices=${choices%%$'\n'*}
  echo "${choices:-10}"
}

check_command() {
  local path=$1 sub option name group first
  local prefix="wsspec${path:+ $path}"
  load_help "$path"
  help_of "$path" | grep -q "^Usage: $prefix " ||
    fail "'$prefix' is offered but is not a subcommand: $(help_of "$path" | head -2)"

  # Subcommands and options: offered = in the help.
  local offered_subs help_subs offered_opts help_opts
  offered_subs=$(offered "$prefix " | sort)
  help_subs=$(help_entries "$path" Subcommands | sort)
  [[ $offered_subs == "$help_subs" ]] ||
    fail "'$prefix' offers subcommands [$(on_one_line "$offered_subs")]," \
      "its help lists [$(on_one_line "$help_subs")]"
  offered_opts=$(offered "$prefix -" | sort)
  help_opts=$(help_entries "$path" Options | tr , '\n' | sort)
  [[ $offered_opts == "$help_opts" ]] ||
    fail "'$prefix' offers options [$(on_one_line "$offered_opts")]," \
      "its help lists [$(on_one_line "$help_opts")]"

  # Each option offered, by its names in the help ("-o,--output"): the names of one option take
  # a value alike; wsspec asks for the value of one that takes a value, and accepts each value
  # and only the values offered for it.
  # The options are tried together below, an option's first names apart from its other names
  # (an option is given once).
  local -a firsts=() others=() singles=() part
  while IFS= read -r group; do
    first=${group%%,*}
    for name in ${group//,/ }; do
      grep -qxF -- "$name" <<<"$offered_opts" || continue
      # --help is how the help above was asked for.
      [[ $name == --help ]] && continue
      if [[ $name == -h || $name == --version ]]; then
        singles+=("$name")
        continue
      fi
      if _wsspec_takes_value "$path" "$name"; then
        _wsspec_takes_value "$path" "$first" || fail "'$prefix $name' takes a value, '$first' not"
        part=("$name" "$(probe_value "$prefix" "$name")")
      else
        ! _wsspec_takes_value "$path" "$first" || fail "'$first' takes a value, '$prefix $name' not"
        part=("$name")
      fi
      if [[ $name == "$first" ]]; then firsts+=("${part[@]}"); else others+=("${part[@]}"); fi
    done
    [[ $first == -h || $first == --help || $first == --version ]] && continue
    if _wsspec_takes_value "$path" "$first"; then
      probe "$path" "$first"
      [[ $said == *"required"*"missing"* ]] ||
        fail "the completion says '$prefix $first' takes a value; without one wsspec says: $said"
      local choices value
      choices=$(offered "$prefix $first ")
      if [[ -n $choices ]]; then
        for value in $choices; do
          probe "$path" "$first" "$value"
          accepted "$first" || fail "'$prefix $first $value' (offered) is not accepted: $said"
        done
        probe "$path" "$first" not-a-choice
        [[ $said == *"not in"* ]] ||
          fail "'$prefix $first' offers [$(on_one_line "$choices")]" \
            "but accepts other values: $said"
      fi
      # Every value the help lists ("TEXT:{6455,7692}") is offered.
      local listed
      listed=$(help_of "$path" | grep -E "^  ([^ ]*,)?${first}[ ,]" |
        sed -n 's/^  [^ ]* [A-Z]*:{\([^}]*\)}.*/\1/p')
      [[ -z $listed || $(tr , '\n' <<<"$listed" | sort) == "$(sort <<<"$choices")" ]] ||
        fail "'$prefix $first' offers [$(on_one_line "$choices")], its help lists {$listed}"
    fi
  done < <(help_entries "$path" Options)

  check_together "$path" "${firsts[@]}"
  check_together "$path" "${others[@]}"
  for option in "${singles[@]}"; do
    probe "$path" "$option"
    [[ $status -eq 0 && -n $said ]] || fail "'$prefix $option' exits $status: $said"
  done

  for sub in $offered_subs; do check_command "${path:+$path }$sub"; done
}

# Options of PATH (with their values) accepted together, or else each alone. A flag is
# followed by one more unknown option, which a flag leaves alone and an option that takes a
# value would take for its value.
check_together() {
  local path=$1 prefix="wsspec${1:+ $1}" unknown=1
  shift
  (($#)) || return 0
  local -a args=()
  while (($#)); do
    if _wsspec_takes_value "$path" "$1"; then
      args+=("$1" "$2")
      shift 2
    else
      args+=("$1" --no-such-option)
      ((unknown += 1))
      shift
    fi
  done
  probe "$path" "${args[@]}"
  accepted "" "$unknown" && return 0
  set -- "${args[@]}"
  while (($#)); do
    if [[ $2 != --no-such-option ]]; then
      probe "$path" "$1" "$2"
      accepted "$1" || fail "'$prefix $1 $2' is not accepted: $said"
    else
      # Last, an option that takes a value is refused for want of one, before wsspec looks at
      # what options need.
      probe "$path" "$1"
      if ! accepted "$1" || [[ $said == *"required"*"missing"* ]]; then
        fail "the completion says '$prefix $1' is a flag; wsspec says: $said"
      fi
    fi
    shift 2
  done
}

check_command ""

# A value is never taken for a subcommand, and a flag's next word can be one.
[[ -z $(offered "wsspec report junit -o ") ]] || fail "a value of -o completed as a subcommand"
[[ $(offered "wsspec report ") == *merge* ]] || fail "no 'merge' after 'wsspec report'"
# Options of one command are not offered for another.
[[ $(offered "wsspec report html --") != *--strict* ]] || fail "junit's --strict offered for html"

if ((failures)); then
  echo "$failures failures"
  exit 1
fi
echo "completion: ok"
