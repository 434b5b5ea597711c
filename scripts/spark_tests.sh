#!/usr/bin/env bash
# The Spark tests (marker `spark`) on a real standalone Spark cluster on loopback: one master and two workers
# (one core, 1 GB each), started from pyspark's own launcher (spark-class), stopped on exit. Extra arguments go to
# pytest. Ports: MZ_SPARK_PORT (default 7177) for the master; the workers pick free ones.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"
SPARK_HOME=$("$PY" -c "import os, pyspark; print(os.path.dirname(pyspark.__file__))")
export SPARK_HOME SPARK_LOCAL_IP=127.0.0.1 PYSPARK_PYTHON="$PY" PYSPARK_DRIVER_PYTHON="$PY"
PORT=${MZ_SPARK_PORT:-7177}
LOGS=$(mktemp -d /tmp/mz-spark.XXXXXX)
PIDS=()
stop() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT

"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$PORT" \
  --webui-port 0 >"$LOGS/master.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 60); do grep -q "I have been elected leader" "$LOGS/master.log" && break; sleep 1; done
grep -q "I have been elected leader" "$LOGS/master.log" || { cat "$LOGS/master.log"; echo "Spark master 未能启动"; exit 1; }
for w in 1 2; do
  "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker "spark://127.0.0.1:$PORT" --host 127.0.0.1 \
    --cores 1 --memory 1g --webui-port 0 --work-dir "$LOGS/work$w" >"$LOGS/worker$w.log" 2>&1 &
  PIDS+=($!)
done
for w in 1 2; do
  for _ in $(seq 60); do grep -q "Successfully registered with master" "$LOGS/worker$w.log" && break; sleep 1; done
  grep -q "Successfully registered with master" "$LOGS/worker$w.log" || { cat "$LOGS/worker$w.log"; echo "Spark worker $w 未能注册"; exit 1; }
done
echo "Spark 集群：spark://127.0.0.1:$PORT（2 个 worker），日志在 $LOGS"
MINZHENG_SPARK_MASTER="spark://127.0.0.1:$PORT" MINZHENG_SPARK_DRIVER_MEMORY=1g \
  "$ROOT/.venv/bin/pytest" -q -m spark minzheng/batch "$@"
