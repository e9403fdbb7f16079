#!/usr/bin/env bash
# The test command: installs what is missing (ZooKeeper, Chromium, kazoo), builds with warnings as errors, runs
# every test against real ZooKeeper servers the tests start, and ends with one summary line.
# Extra arguments go to `dotnet test`, e.g. ./test.sh --filter FullyQualifiedName~Election
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=scripts/install-deps.sh
. scripts/install-deps.sh

ensure_dotnet
ensure_zookeeper
ensure_chromium
ensure_kazoo
export PLAYWRIGHT_CHROMIUM_EXECUTABLE=/usr/bin/chromium
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== build (Release, warnings as errors)"
dotnet build ClusterDashboard.sln -c Release -warnaserror -nologo -v quiet

echo "== format check"
dotnet format ClusterDashboard.sln --verify-no-changes --no-restore -v quiet

echo "== tests"
# One test project at a time: each starts its own ZooKeeper servers, and timing-sensitive failure tests on a
# 2-core machine should not compete with another project's JVMs.
rm -rf TestResults
status=0
dotnet test ClusterDashboard.sln -c Release --no-build --nologo -m:1 \
  --logger "trx" --logger "console;verbosity=normal" --results-directory TestResults \
  --blame-hang-timeout 5m "$@" || status=$?

# One closing line over every project, counted from the trx files.
summary=$(python3 - <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob("TestResults/**/*.trx", recursive=True):
    root = ET.parse(path).getroot()
    # Name every failure in the closing lines: CI shows only the end of a long log.
    for result in root.iterfind("t:Results/t:UnitTestResult", ns):
        if result.get("outcome") not in ("Passed", "NotExecuted"):
            message = result.findtext("t:Output/t:ErrorInfo/t:Message", "", ns).strip().splitlines()
            print(f"FAILED {result.get('testName')}: {message[0][:300] if message else result.get('outcome')}", file=sys.stderr)
    counters = root.find("t:ResultSummary/t:Counters", ns)
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0))
print(f"{passed} {failed} {skipped}")
PY
)
read -r passed failed skipped <<<"$summary"
echo "Total: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
