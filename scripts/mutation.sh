#!/usr/bin/env bash
# Mutation testing (Stryker.NET) of the decision code, one module at a time, with the one test
# project that covers it. Too slow for CI on 2 cores: run it by hand after changing a rule.
#   scripts/mutation.sh            every module
#   scripts/mutation.sh funnel     one module (a config in mutation/<module>.json): funnel (stage guard,
#                                  channel report, lead score), routing (router, follow-up planning),
#                                  callbacks (WeChat/WeCom crypto, signature, replay window), masking
#                                  (masking and field protection), campaigns (sending rules, segment rules)
# Each run is niced, single-threaded and bounded (MUTATION_TIMEOUT, default 25m); reports go to
# mutation/reports/<module>/ (html and json) and the score is printed at the end.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
  modules=($(ls mutation/*.json | xargs -n1 basename | sed 's/\.json$//'))
fi

dotnet tool restore > /dev/null
summary=()
for module in "${modules[@]}"; do
  config="$root/mutation/$module.json"
  [ -f "$config" ] || { echo "no mutation/$module.json" >&2; exit 2; }
  # The test project the config names is where Stryker runs.
  tests=$(grep -o '"\.\./\.\./tests/[^"]*\.csproj"' "$config" | head -1 | tr -d '"')
  testdir="$root/tests/$(basename "$(dirname "$tests")")"
  out="$root/mutation/reports/$module"
  rm -rf "$out"; mkdir -p "$out"
  echo "== $module: $(basename "$testdir")"
  started=$(date +%s)
  (cd "$testdir" && UseMicrosoftTestingPlatformRunner=true timeout "${MUTATION_TIMEOUT:-25m}" nice -n 10 dotnet stryker --config-file "$config" --output "$out" --concurrency 1) \
    > "$out/stryker.log" 2>&1
  status=$?
  took=$(( $(date +%s) - started ))
  score=$(grep -o 'The final mutation score is [0-9.,]* %' "$out/stryker.log" | tail -1 | grep -o '[0-9.,]* %')
  counts=$(grep -oE '(Killed|Survived|Timeout|No coverage|Compile error|Ignored)[^0-9]*: *[0-9]+' "$out/stryker.log" | tr -s ' ' | paste -sd ',' -)
  if [ $status -eq 124 ]; then
    line="$module: stopped after ${MUTATION_TIMEOUT:-25m} (no score)"
  elif [ -z "$score" ]; then
    line="$module: failed (exit $status), see $out/stryker.log"
  else
    line="$module: $score killed in ${took}s ${counts:+($counts)}"
  fi
  echo "$line"
  summary+=("$line")
done
echo "== mutation scores"
printf '%s\n' "${summary[@]}"
