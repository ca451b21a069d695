#!/usr/bin/env bash
# Queue a small parameter grid, run it on 2 parallel workers, compare the results.
# Usage: scripts/exp_grid.sh [param=v1,v2 ...]   (default: a Monte Carlo size grid that
# re-runs only `evaluate` and `forecast`, so it is cheap on a machine where the pipeline ran)
set -euo pipefail
DVC=${DVC:-.venv/bin/dvc}
export DVC_NO_ANALYTICS=1
grid=("$@")
[ ${#grid[@]} -gt 0 ] || grid=("simulation.n_sims=10000,40000")

for spec in "${grid[@]}"; do
  name=${spec%%=*}; values=${spec#*=}
  IFS=, read -ra vals <<< "$values"
  for v in "${vals[@]}"; do
    $DVC exp run --queue -S "$name=$v"
  done
done
$DVC queue start -j 2
# wait for the workers: the queue is done when nothing is queued or running
# (status captured first: `grep -q` closing the pipe would end the loop early under pipefail)
while status=$($DVC queue status 2>/dev/null) && grep -Eq "Queued|Running" <<< "$status"; do sleep 5; done
$DVC queue status
if grep -q Failed <<< "$($DVC queue status)"; then
  echo "some queued experiments failed: see 'dvc queue logs <name>'" >&2; exit 1
fi
$DVC exp show --md --no-pager --only-changed --drop 'Created|Executor|.*/|params\.yaml'
