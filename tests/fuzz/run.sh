#!/bin/bash
# Runs one libFuzzer harness for a bounded time (make fuzz calls it).
#
#   tests/fuzz/run.sh NAME BINARY SECONDS OUTDIR
#
# Seeds: tests/fuzz/corpus/NAME/ and tests/fuzz/crashes/NAME/ (read only);
# new corpus entries go to OUTDIR/corpus/NAME/, a crash to
# OUTDIR/artifacts/NAME/, libFuzzer's output to OUTDIR/NAME.log. A dict
# tests/fuzz/NAME.dict is used when there is one. Prints one line with
# the executions run; on a finding, what the sanitizer or the invariant
# said and where libFuzzer wrote the input, and fails.

set -u

name=$1
bin=$2
seconds=$3
out=$4
src=$(dirname "$0")

corpus=$out/corpus/$name
artifacts=$out/artifacts/$name
log=$out/$name.log
mkdir -p "$corpus" "$artifacts"

args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
      -max_len="${FUZZ_MAX_LEN:-8192}" -use_value_profile=1
      -print_final_stats=1 -artifact_prefix="$artifacts/")
[ -f "$src/$name.dict" ] && args+=(-dict="$src/$name.dict")

seeds=("$corpus" "$src/corpus/$name")
[ -d "$src/crashes/$name" ] && seeds+=("$src/crashes/$name")

# leaks are looked for after each input that grew memory (libFuzzer's
# -detect_leaks, on by default); UBSan stops at the first finding (the
# harnesses are built with -fno-sanitize-recover) and shows its stack
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

"$bin" "${args[@]}" "${seeds[@]}" >"$log" 2>&1
rc=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
entries=$(find "$corpus" -type f | wc -l)

if [ $rc -ne 0 ]; then
    echo "fuzz $name: FINDING after ${execs:-?} executions (exit $rc)," \
         "log $log:"
    grep -m 8 -E 'runtime error|ERROR: |invariant failed|leak|Test unit' \
        "$log"
    exit 1
fi

echo "fuzz $name: ${execs:-?} executions in ${seconds} s, no finding" \
     "($entries new corpus entries in $corpus)"
