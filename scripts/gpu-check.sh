#!/usr/bin/env bash
# The executor's GPU paths on this machine: the recorded-output specs (nvidia-smi parsing, DeviceRequests by UUID,
# the CUDA benchmark line) always; on a machine with an NVIDIA GPU also nvidia-smi's real reading, the probe spec
# against it, and the CUDA benchmark built and run (nvcc) — or what is missing. Prints what it found; exits 0 without
# a GPU once the recorded-output specs pass, non-zero when a spec or the benchmark fails.
set -euo pipefail

cd "$(dirname "$0")/.."
log() { printf '[gpu-check] %s\n' "$*"; }
QUERY=index,uuid,name,memory.total,memory.used,utilization.gpu,temperature.gpu,power.draw,driver_version
found=()

log "recorded-output specs (nvidia-smi fixtures, bench container options, CUDA bench line)"
SPECS=(executor/src/gpu/nvidia-smi.spec.ts executor/src/challenges/bench-output.spec.ts)
npx vitest run "${SPECS[@]}" >/tmp/gpu-check-specs.log 2>&1 || { tail -40 /tmp/gpu-check-specs.log; log "recorded-output specs FAILED"; exit 1; }
found+=("recorded-output specs: passed")

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  log "no NVIDIA GPU here (nvidia-smi $(command -v nvidia-smi >/dev/null && echo 'finds no device' || echo 'is not installed'))"
  found+=("GPU: none; real-reading checks skipped")
  printf '[gpu-check] found: %s\n' "${found[@]}"
  exit 0
fi

reading=$(mktemp --suffix=.csv)
trap 'rm -f "$reading"' EXIT
nvidia-smi --query-gpu=$QUERY --format=csv,noheader,nounits | tee "$reading"
found+=("GPU: $(wc -l <"$reading") device(s): $(cut -d, -f3 "$reading" | sort | uniq -c | xargs)")

log "the GPU-path specs again, on the real reading and the real nvidia-smi"
npx tsx executor/gpu-check/real-gpu.ts "$reading" >/tmp/gpu-check-real.log 2>&1 \
  || { tail -40 /tmp/gpu-check-real.log; log "GPU paths FAILED on the real reading"; exit 1; }
sed 's/^/[gpu-check]   /' /tmp/gpu-check-real.log
found+=("real reading: parsed")

if ! command -v nvcc >/dev/null 2>&1; then
  log "nvcc is missing: install the CUDA toolkit to build executor/bench-image/bench.cu"
  found+=("CUDA benchmark: not built (no nvcc)")
else
  bin=$(mktemp)
  # NVML names the devices when its header is installed; else the CUDA runtime's properties give the same UUIDs.
  nvcc -O3 -DGPUC_NVML -o "$bin" executor/bench-image/bench.cu -lnvidia-ml 2>/dev/null ||
    { log "no nvml.h: building with the CUDA runtime's device UUIDs"; nvcc -O3 -o "$bin" executor/bench-image/bench.cu; }
  nonce=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  line=$("$bin" --nonce "$nonce" --max-seconds 60 | tail -1) || { log "the CUDA benchmark failed (its error is above)"; exit 1; }
  rm -f "$bin"
  echo "$line"
  echo "$line" >/tmp/gpu-check-bench.jsonl
  log "bench line saved to /tmp/gpu-check-bench.jsonl (copy it to executor/src/gpu/fixtures/ as a real capture)"
  found+=("CUDA benchmark: $(node -e 'const r=JSON.parse(process.argv[1]);console.log(`${r.tflops.toFixed(1)} TFLOPS, ${r.memoryBandwidthGBs.toFixed(0)} GB/s on ${r.devices.length} device(s)`)' "$line")")
fi
printf '[gpu-check] found: %s\n' "${found[@]}"
