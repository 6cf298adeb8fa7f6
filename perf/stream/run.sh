#!/usr/bin/env bash
# The live-stream and conditional-refresh figures (issue 16) against the running local stack:
#   source .local/env.sh; ./feed up; perf/stream/run.sh [--quick]
# Same as ./feed bench [--quick] --only stream (report in perf/reports/<timestamp>.md and .json).
# Knobs: FEED_BENCH_STREAMS (1000 quick / 3000 full), FEED_BENCH_STREAM_READERS (200 / 400),
# FEED_BENCH_STREAM_PUSH_READERS (readers/4), FEED_BENCH_STREAM_POSTS (40 / 100).
set -euo pipefail
exec "$(dirname "$0")/../../feed" bench --only stream "$@"
