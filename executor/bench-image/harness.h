/*
 * The harness every GPUC benchmark variant shares (bench.c on CPUs, bench.cu on NVIDIA GPUs): reads the challenge
 * (nonce, duration cap) from arguments or the environment and prints the one JSON line the executor signs:
 *   {"nonce":"…","kind":"cpu"|"cuda","tflops":…,"memoryBandwidthGBs":…,"devices":[{"uuid":"…","model":"…"}],"elapsedMs":…}
 * Header-only so nvcc and gcc build it alike.
 */
#ifndef GPUC_BENCH_HARNESS_H
#define GPUC_BENCH_HARNESS_H

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_DEVICES = 16, NONCE_MAX = 64 };

struct challenge {
  char nonce[NONCE_MAX + 1];
  double max_seconds;
};

struct device {
  char uuid[96];
  char model[128];
};

static void fail(const char *message) {
  fprintf(stderr, "gpuc-bench: %s\n", message);
  exit(2);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Copies printable characters except '"' and '\\', trimmed: the result needs no JSON escaping. */
static void copy_plain(char *out, size_t size, const char *in) {
  size_t n = 0;
  while (*in == ' ' || *in == '\t') in++;
  for (; *in && n + 1 < size; in++)
    if (isprint((unsigned char)*in) && *in != '"' && *in != '\\') out[n++] = *in;
  while (n > 0 && out[n - 1] == ' ') n--;
  out[n] = '\0';
}

/* `--nonce HEX --max-seconds N`, else GPUC_BENCH_NONCE and GPUC_BENCH_MAX_SECONDS; the nonce must be hex. */
static struct challenge read_challenge(int argc, char **argv) {
  const char *nonce = getenv("GPUC_BENCH_NONCE"), *max = getenv("GPUC_BENCH_MAX_SECONDS");
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--nonce") == 0) nonce = argv[i + 1];
    else if (strcmp(argv[i], "--max-seconds") == 0) max = argv[i + 1];
    else fail("usage: bench [--nonce HEX] [--max-seconds N]");
  }
  if (!nonce || !*nonce) fail("no nonce: pass --nonce HEX or set GPUC_BENCH_NONCE");
  size_t len = strlen(nonce);
  if (len > NONCE_MAX) fail("the nonce is longer than 64 hex digits");
  for (size_t i = 0; i < len; i++)
    if (!isxdigit((unsigned char)nonce[i])) fail("the nonce must be hex digits");
  struct challenge ch;
  memcpy(ch.nonce, nonce, len + 1);
  ch.max_seconds = max ? atof(max) : 10.0;
  if (!(ch.max_seconds > 0)) fail("the duration cap must be a positive number of seconds");
  return ch;
}

static void print_result(const struct challenge *ch, const char *kind, double tflops, double bandwidth,
                         const struct device *devices, int count, double elapsed_ms) {
  printf("{\"nonce\":\"%s\",\"kind\":\"%s\",\"tflops\":%.6f,\"memoryBandwidthGBs\":%.3f,\"devices\":[", ch->nonce,
         kind, tflops, bandwidth);
  for (int i = 0; i < count; i++)
    printf("%s{\"uuid\":\"%s\",\"model\":\"%s\"}", i ? "," : "", devices[i].uuid, devices[i].model);
  printf("],\"elapsedMs\":%.0f}\n", elapsed_ms);
  fflush(stdout);
}

#endif
