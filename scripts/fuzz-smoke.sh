#!/usr/bin/env bash
# Builds the cargo-fuzz targets in fuzz/ and replays each target's stored corpus
# (fuzz/corpus/<target>/) once, without fuzzing: a quick check that no stored input, seeds
# and minimised findings alike, panics or breaks an invariant. Occasional use; not in .ci/run.
#
#   scripts/fuzz-smoke.sh
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a C++ compiler; the stable toolchain is
# told to accept the nightly sanitizer flags with RUSTC_BOOTSTRAP=1. Builds into fuzz/target,
# so the main workspace's target directory is not locked. libFuzzer stops a replay at the
# first failing input; the script goes on with the next target and fails at the end.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is missing: cargo install cargo-fuzz" >&2
    exit 2
fi

cargo fuzz build
failed=()
for target in $(cargo fuzz list); do
    printf '\n==> replaying fuzz/corpus/%s\n' "$target"
    if ! cargo fuzz run "$target" -- -runs=0; then
        failed+=("$target")
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "FAIL: an input in the corpus of ${failed[*]} panics; see fuzz/artifacts/" >&2
    exit 1
fi
echo "fuzz corpus replay: every input of every target passed"
