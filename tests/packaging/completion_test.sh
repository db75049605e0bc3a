#!/usr/bin/env bash
# Checks the bash completion against what wsspec itself accepts: every subcommand it offers is
# one (its help says so), every subcommand and option in the help is offered, every option it
# offers is accepted by that command, it treats an option as taking a value exactly when wsspec
# does, and the values it offers for a choice option are the ones wsspec accepts.
#   completion_test.sh WSSPEC COMPLETION_FILE
# An option is tried as `wsspec PATH REQUIRED... --no-such-option OPTION [VALUE]`: the unknown
# option stops wsspec before it runs anything, and the error says whether OPTION was known.
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

# The entries of a section of `wsspec PATH --help` (their first word, e.g. "-o,--output").
help_entries() {
  # shellcheck disable=SC2086 # the path is words
  "$wsspec" $1 --help | awk -v section="$2:" '
    /^[A-Za-z]+:$/ { inside = ($0 == section); next }
    inside && /^  [^ ]/ { print $1 }'
}

# Arguments that satisfy PATH's required positionals and options, except the option named
# $2 (so it is not given twice).
required_args() {
  local path=$1 except=$2 line names
  # shellcheck disable=SC2086
  while IFS= read -r line; do
    if [[ $line =~ ^\ \ ([^ ]+)\ .*REQUIRED ]]; then
      names=${BASH_REMATCH[1]}
      if [[ $names == -* ]]; then
        [[ ",$names," == *",$except,"* ]] || printf '%s\n' "${names##*,}" x
      else
        printf '%s\n' x
      fi
    fi
  done < <("$wsspec" $path --help |
    awk '/^Options:$|^Positionals:$/ { on = 1; next } /^[A-Za-z]+:$/ { on = 0 } on')
}

# Runs `wsspec PATH REQUIRED... --no-such-option ARGS...`; sets $status and $said.
probe() {
  local path=$1 option=$2
  shift 2
  local -a args
  mapfile -t args < <(required_args "$path" "$option")
  # shellcheck disable=SC2086
  said=$("$wsspec" $path "${args[@]}" --no-such-option "$@" 2>&1) && status=0 || status=$?
}

# The probe's option was known: only the unknown option is refused, or the option is refused
# for an option it needs or excludes (which wsspec knows only of options it has).
accepted() {
  [[ $said == *"not expected: --no-such-option ("* || $said == "wsspec: $1 requires "* ||
    $said == "wsspec: $1 excludes "* ]]
}

check_command() {
  local path=$1 sub option value
  local prefix="wsspec${path:+ $path}"

  # Subcommands: offered = in the help; each is a subcommand by its own help.
  local offered_subs help_subs
  offered_subs=$(offered "$prefix " | sort)
  help_subs=$(help_entries "$path" Subcommands | sort)
  [[ $offered_subs == "$help_subs" ]] ||
    fail "'$prefix' offers subcommands [$(on_one_line "$offered_subs")]," \
      "its help lists [$(on_one_line "$help_subs")]"
  for sub in $offered_subs; do
    # shellcheck disable=SC2086
    "$wsspec" $path "$sub" --help | grep -q "^Usage: $prefix $sub " ||
      fail "'$prefix $sub' is offered but is not a subcommand"
  done

  # Options: offered = every name in the help.
  local offered_opts help_opts
  offered_opts=$(offered "$prefix -" | sort)
  help_opts=$(help_entries "$path" Options | tr , '\n' | sort)
  [[ $offered_opts == "$help_opts" ]] ||
    fail "'$prefix' offers options [$(on_one_line "$offered_opts")]," \
      "its help lists [$(on_one_line "$help_opts")]"

  for option in $offered_opts; do
    if [[ $option == -h || $option == --help || $option == --version ]]; then
      probe "$path" "$option" "$option"
      [[ $status -eq 0 && -n $said ]] || fail "'$prefix $option' exits $status: $said"
      continue
    fi
    if _wsspec_takes_value "$path" "$option"; then
      # Without its value wsspec asks for one; with one (a choice it offers, or a number, which
      # every option of wsspec with a value accepts at parse time) it is accepted.
      probe "$path" "$option" "$option"
      [[ $said == *"required"*"missing"* ]] ||
        fail "the completion says '$prefix $option' takes a value; without one wsspec says: $said"
      local choices
      choices=$(offered "$prefix $option ")
      for value in ${choices:-10}; do
        probe "$path" "$option" "$option" "$value"
        accepted "$option" || fail "'$prefix $option $value' (offered) is not accepted: $said"
      done
      if [[ -n $choices ]]; then
        probe "$path" "$option" "$option" not-a-choice
        [[ $said == *"not in"* ]] ||
          fail "'$prefix $option' offers [$(on_one_line "$choices")]" \
            "but accepts other values: $said"
      fi
    else
      probe "$path" "$option" "$option"
      accepted "$option" ||
        fail "the completion says '$prefix $option' is a flag; wsspec says: $said"
    fi
  done

  for sub in $offered_subs; do check_command "${path:+$path }$sub"; done
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
