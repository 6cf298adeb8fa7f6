#!/usr/bin/env bash
# stack/package-cycles.sh: fails when a module's packages depend on each other in a cycle (house
# style: an API package on top, concepts below, stores at the bottom). Reads the compiled classes
# (run after mvn verify / package) with the JDK's jdeps and finds cycles with coreutils' tsort, so
# it needs nothing beyond the JDK. For a cycle it prints each package edge inside it, with a
# class edge as example.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# jdeps ships with every JDK (not with a bare JRE): take it from the java on the PATH if it is not there itself.
JDEPS="$(command -v jdeps || true)"
if [ -z "$JDEPS" ] && command -v java >/dev/null; then
  JDEPS="$(dirname "$(readlink -f "$(command -v java)")")/jdeps"
fi
[ -x "${JDEPS:-}" ] || die "jdeps not found: it comes with the JDK (Debian: openjdk-17-jdk-headless)"

modules=(schema hot-cache relation-service feed-service fanout-worker perf/harness)
failed=0
for m in "${modules[@]}"; do
  classes="$FEED_ROOT/$m/target/classes"
  [ -d "$classes" ] || die "$m is not compiled ($classes missing): run mvn package first"
  edges="$("$JDEPS" -verbose:package -e 'dev\.feed.*' "$classes" 2>/dev/null \
    | awk '$2 == "->" && $1 ~ /^dev\.feed/ && $3 ~ /^dev\.feed/ && $1 != $3 {print $1, $3}' | sort -u)"
  [ -n "$edges" ] || continue
  if ! loop="$(printf '%s\n' "$edges" | tsort 2>&1 >/dev/null)"; then
    failed=1
    members="$(printf '%s\n' "$loop" | sed -n 's/^tsort: \(dev\.feed[^ ]*\)$/\1/p' | sort -u)"
    warn "$m: package cycle among: $(echo $members)"
    pattern="$(printf '%s\n' "$members" | sed 's/\./\\./g' | paste -sd'|')"
    "$JDEPS" -verbose:class -e 'dev\.feed.*' "$classes" 2>/dev/null \
      | awk -v p="^($pattern)\\.[A-Za-z0-9_\$]+\$" '$2 == "->" && $1 ~ p && $3 ~ p {
          pa = $1; sub(/\.[^.]+$/, "", pa); pb = $3; sub(/\.[^.]+$/, "", pb)
          if (pa != pb) { k = pa " -> " pb; n[k]++; if (!(k in ex)) ex[k] = $1 " -> " $3 } }
          END { for (k in n) printf "    %s (%d class edges, e.g. %s)\n", k, n[k], ex[k] }' | sort >&2
  fi
done
[ "$failed" = 0 ] || die "package cycles found (above): move the class that closes each cycle down a layer"
ok "no package cycles in ${modules[*]}"
