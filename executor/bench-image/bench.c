/*
 * GPUC benchmark, CPU kernel: a blocked FP32 matrix multiply (TFLOPS) and a STREAM-style triad (memory bandwidth,
 * GB/s), behind the harness every variant shares (harness.h): the challenge's nonce and duration cap in, one JSON
 * line out. Built static (no libc in the image) by build.sh and imported as gpuc/bench:cpu-1.
 *
 * The devices a CPU run reports are the listed ids the executor passes in GPUC_BENCH_DEVICES, each with this
 * machine's CPU model: a CPU has no device identity to prove, so only the figures are evidence here.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

enum { N = 256, BLOCK = 64, TRIAD_LEN = 4 * 1024 * 1024 };

static float a[N * N], b[N * N], c[N * N];

/* One C += A·B over N×N, blocked so three BLOCK×BLOCK tiles stay in cache; i-k-j order so the inner loop vectorises. */
static void sgemm(void) {
  for (int ii = 0; ii < N; ii += BLOCK)
    for (int kk = 0; kk < N; kk += BLOCK)
      for (int jj = 0; jj < N; jj += BLOCK)
        for (int i = ii; i < ii + BLOCK; i++)
          for (int k = kk; k < kk + BLOCK; k++) {
            const float aik = a[i * N + k];
            float *restrict ci = &c[i * N + jj];
            const float *restrict bk = &b[k * N + jj];
            for (int j = 0; j < BLOCK; j++) ci[j] += aik * bk[j];
          }
}

/* Best-of rate over repetitions until `budget` seconds are spent (at least 2 runs: the first warms caches). */
static double measure_tflops(double budget) {
  for (int i = 0; i < N * N; i++) {
    a[i] = (float)(i % 7) * 0.5f;
    b[i] = (float)(i % 5) * 0.25f;
    c[i] = 0.0f;
  }
  const double flops = 2.0 * N * N * N;
  double best = 0, start = now_s();
  for (int rep = 0; rep < 2 || now_s() - start < budget; rep++) {
    double t0 = now_s();
    sgemm();
    double rate = flops / (now_s() - t0);
    if (rate > best) best = rate;
  }
  /* Keep the result observable so the multiply is not optimised away. */
  if (c[N + 1] < 0) fprintf(stderr, "unexpected %f\n", c[N + 1]);
  return best / 1e12;
}

static double measure_bandwidth(double budget) {
  double *x = malloc(sizeof(double) * TRIAD_LEN), *y = malloc(sizeof(double) * TRIAD_LEN),
         *z = malloc(sizeof(double) * TRIAD_LEN);
  if (!x || !y || !z) fail("cannot allocate the triad arrays (96 MiB)");
  for (int i = 0; i < TRIAD_LEN; i++) {
    x[i] = 0;
    y[i] = i * 0.5;
    z[i] = i * 0.25;
  }
  const double bytes = 3.0 * sizeof(double) * TRIAD_LEN, scalar = 3.0;
  double best = 0, start = now_s();
  for (int rep = 0; rep < 2 || now_s() - start < budget; rep++) {
    double t0 = now_s();
    for (int i = 0; i < TRIAD_LEN; i++) x[i] = y[i] + scalar * z[i];
    double rate = bytes / (now_s() - t0);
    if (rate > best) best = rate;
  }
  if (x[TRIAD_LEN - 1] < 0) fprintf(stderr, "unexpected %f\n", x[TRIAD_LEN - 1]);
  free(x);
  free(y);
  free(z);
  return best / 1e9;
}

/* The CPU model from /proc/cpuinfo, reduced to characters that need no JSON escaping. */
static void cpu_model(char *out, size_t size) {
  snprintf(out, size, "CPU");
  FILE *info = fopen("/proc/cpuinfo", "r");
  if (!info) return;
  char line[512];
  while (fgets(line, sizeof line, info)) {
    if (strncmp(line, "model name", 10) != 0) continue;
    const char *value = strchr(line, ':');
    if (value) copy_plain(out, size, value + 1);
    break;
  }
  fclose(info);
}

int main(int argc, char **argv) {
  struct challenge ch = read_challenge(argc, argv);
  double start = now_s();
  /* A quarter of the cap per kernel, at most 0.5 s: enough for a stable best-of on a busy machine. */
  double budget = ch.max_seconds / 4.0 < 0.5 ? ch.max_seconds / 4.0 : 0.5;
  double tflops = measure_tflops(budget);
  double bandwidth = measure_bandwidth(budget);
  char model[128];
  cpu_model(model, sizeof model);
  struct device devices[MAX_DEVICES];
  int count = 0;
  char ids[1024];
  snprintf(ids, sizeof ids, "%s", getenv("GPUC_BENCH_DEVICES") ? getenv("GPUC_BENCH_DEVICES") : "cpu");
  for (char *id = strtok(ids, ","); id && count < MAX_DEVICES; id = strtok(NULL, ",")) {
    copy_plain(devices[count].uuid, sizeof devices[count].uuid, id);
    snprintf(devices[count].model, sizeof devices[count].model, "%s", model);
    count++;
  }
  print_result(&ch, "cpu", tflops, bandwidth, devices, count, (now_s() - start) * 1000.0);
  return 0;
}
