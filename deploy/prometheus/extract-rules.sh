#!/bin/sh
# alerts.yml is a PrometheusRule (Kubernetes); Prometheus itself reads plain rule files. This
# writes the rule groups of its `spec` as one: the lines up to `spec:` dropped, `groups:` moved to
# the top level (the groups below it are not indented, so nothing else changes), then runs the
# rest of the command line, if any (the compose stack: Prometheus).
#   extract-rules.sh alerts.yml /rules/alerts.yml [command ...]
set -eu
in=$1
out=$2
shift 2
sed -e '1,/^spec:/d' -e 's/^  groups:/groups:/' "$in" > "$out"
if [ "$#" -gt 0 ]; then
  exec "$@"
fi
