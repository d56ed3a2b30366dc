#!/usr/bin/env bash
# Reproducible builds: builds the checked-out commit twice, each time in a fresh clone in its own
# directory, and requires every jar and SBOM the build produces to be byte-identical (sha256).
#
# The second build runs in another directory, time zone and locale and with umask 002 instead of
# 022, so that anything leaking the build environment (paths, clocks, locale, group-write bits)
# shows up as a difference. Only committed content is built: uncommitted changes are not part of
# the commit and are ignored (with a warning).
#
# Known limit: jar entries keep the file modes of target/classes, and Maven's archiver
# (plexus-archiver's configureReproducibleBuild) normalises only the group/other write bits. So a
# build under an owner-only umask such as 077 gives jars with other entry modes; build releases
# with umask 022 or 002.
#
# Usage: .ci/check-reproducible.sh            exit 0 if identical, 1 on any difference
# Env:   KEEP=1 keeps the two build directories for inspection (e.g. with diffoscope).
set -euo pipefail
cd "$(dirname "$0")/.."

commit=$(git rev-parse HEAD)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "warning: uncommitted changes are not built; checking commit ${commit:0:12}" >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ledger-reproducible.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then
  echo "build directories kept in $work" >&2
else
  trap 'rm -rf "$work"' EXIT
fi

build() { # build <dir> [env...]: fresh clone of $commit, then the packaging build
  local dir=$1
  shift
  git clone -q --no-checkout "$PWD" "$dir"
  git -C "$dir" checkout -q --detach "$commit"
  (cd "$dir" && env "$@" mvn -B -q -DskipTests package)
}

# What the build publishes or ships: module jars, the CLI's runtime classpath, and the SBOMs.
artifacts() { # artifacts <dir>: "sha256  path" of each artifact, sorted by path
  (cd "$1" && find . -path ./.git -prune -o -type f \
      \( -path '*/target/*.jar' -o -path '*/target/bom.json' -o -path '*/target/bom.xml' \) \
      -not -path '*/target/*/*/*' -print \
    | sed 's|^\./||' | LC_ALL=C sort | xargs -r sha256sum)
}

start=$(date +%s)
(umask 0022 && build "$work/one" TZ=UTC LC_ALL=C.UTF-8)
(umask 0002 && build "$work/two" TZ=Pacific/Kiritimati LC_ALL=POSIX)
artifacts "$work/one" > "$work/one.sha256"
artifacts "$work/two" > "$work/two.sha256"

count=$(wc -l < "$work/one.sha256")
if [ "$count" -eq 0 ]; then
  echo "reproducibility check found no artifacts to compare" >&2
  exit 1
fi
if ! diff -u "$work/one.sha256" "$work/two.sha256"; then
  echo "NOT reproducible: the artifacts above differ between two builds of ${commit:0:12}" >&2
  exit 1
fi
cat "$work/one.sha256"
echo "reproducible: $count artifacts byte-identical across two builds of ${commit:0:12}" \
  "($(($(date +%s) - start)) s)"
