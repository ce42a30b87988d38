/*
 * GPUC benchmark, CUDA variant: a tiled FP32 SGEMM (each thread computes a 4×4 block of C from shared-memory tiles)
 * for TFLOPS and a device-to-device copy for memory bandwidth, on every GPU the container sees (Docker's
 * DeviceRequests expose exactly the listed ones), with each device's UUID and model from NVML (-DGPUC_NVML, needs
 * nvml.h from the driver's development files) or else from the CUDA runtime's device properties (the same UUID
 * nvidia-smi prints). Same harness and output line as bench.c:
 *   nvcc -O3 -DGPUC_NVML -o gpuc-bench-cuda bench.cu -lnvidia-ml   (or without -DGPUC_NVML and -lnvidia-ml)
 * TFLOPS and bandwidth are summed over the devices (the listing's claim is for the whole offer).
 */
#include <cuda_runtime.h>
#ifdef GPUC_NVML
#include <nvml.h>
#endif

#include "harness.h"

enum { TILE = 64, THREAD_BLOCK = 4, SIZE = 4096 };

#define CHECK(call)                                                                  \
  do {                                                                               \
    cudaError_t status = (call);                                                     \
    if (status != cudaSuccess) fail(cudaGetErrorString(status));                     \
  } while (0)

/* C = A·B for SIZE×SIZE row-major matrices; 16×16 threads per 64×64 tile of C, 4×4 outputs per thread. */
__global__ void sgemm(const float *a, const float *b, float *c, int n) {
  __shared__ float as[TILE][TILE], bs[TILE][TILE];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int row0 = blockIdx.y * TILE + ty * THREAD_BLOCK, col0 = blockIdx.x * TILE + tx * THREAD_BLOCK;
  float acc[THREAD_BLOCK][THREAD_BLOCK] = {};
  for (int k0 = 0; k0 < n; k0 += TILE) {
    for (int i = 0; i < THREAD_BLOCK; i++)
      for (int j = 0; j < THREAD_BLOCK; j++) {
        as[ty * THREAD_BLOCK + i][tx * THREAD_BLOCK + j] = a[(row0 + i) * n + k0 + tx * THREAD_BLOCK + j];
        bs[ty * THREAD_BLOCK + i][tx * THREAD_BLOCK + j] = b[(k0 + ty * THREAD_BLOCK + i) * n + col0 + j];
      }
    __syncthreads();
    for (int k = 0; k < TILE; k++) {
      float ar[THREAD_BLOCK], br[THREAD_BLOCK];
      for (int i = 0; i < THREAD_BLOCK; i++) ar[i] = as[ty * THREAD_BLOCK + i][k];
      for (int j = 0; j < THREAD_BLOCK; j++) br[j] = bs[k][tx * THREAD_BLOCK + j];
      for (int i = 0; i < THREAD_BLOCK; i++)
        for (int j = 0; j < THREAD_BLOCK; j++) acc[i][j] += ar[i] * br[j];
    }
    __syncthreads();
  }
  for (int i = 0; i < THREAD_BLOCK; i++)
    for (int j = 0; j < THREAD_BLOCK; j++) c[(row0 + i) * n + col0 + j] = acc[i][j];
}

/* Best-of seconds of `runs` launches timed with CUDA events. */
static float best_ms(void (*launch)(void *), void *arg, int runs) {
  cudaEvent_t start, stop;
  CHECK(cudaEventCreate(&start));
  CHECK(cudaEventCreate(&stop));
  float best = 1e30f;
  for (int i = 0; i < runs; i++) {
    CHECK(cudaEventRecord(start));
    launch(arg);
    CHECK(cudaEventRecord(stop));
    CHECK(cudaEventSynchronize(stop));
    float ms;
    CHECK(cudaEventElapsedTime(&ms, start, stop));
    if (ms < best) best = ms;
  }
  return best;
}

struct buffers {
  float *a, *b, *c;
  size_t copy_bytes;
};

static void launch_sgemm(void *arg) {
  struct buffers *m = (struct buffers *)arg;
  dim3 threads(TILE / THREAD_BLOCK, TILE / THREAD_BLOCK), blocks(SIZE / TILE, SIZE / TILE);
  sgemm<<<blocks, threads>>>(m->a, m->b, m->c, SIZE);
}

static void launch_copy(void *arg) {
  struct buffers *m = (struct buffers *)arg;
  CHECK(cudaMemcpy(m->c, m->a, m->copy_bytes, cudaMemcpyDeviceToDevice));
}

/* One device's figures: TFLOPS of the SGEMM and GB/s of the copy (read + write counted, as STREAM does). */
static void measure(int device, double *tflops, double *bandwidth) {
  CHECK(cudaSetDevice(device));
  struct buffers m;
  size_t bytes = sizeof(float) * SIZE * SIZE;
  CHECK(cudaMalloc(&m.a, bytes));
  CHECK(cudaMalloc(&m.b, bytes));
  CHECK(cudaMalloc(&m.c, bytes));
  CHECK(cudaMemset(m.a, 0, bytes));
  CHECK(cudaMemset(m.b, 0, bytes));
  m.copy_bytes = bytes;
  float gemm_ms = best_ms(launch_sgemm, &m, 5);
  CHECK(cudaGetLastError());
  float copy_ms = best_ms(launch_copy, &m, 10);
  *tflops = 2.0 * SIZE * SIZE * (double)SIZE / (gemm_ms / 1e3) / 1e12;
  *bandwidth = 2.0 * bytes / (copy_ms / 1e3) / 1e9;
  cudaFree(m.a);
  cudaFree(m.b);
  cudaFree(m.c);
}

#ifdef GPUC_NVML
/* The UUID and model NVML gives for the device with this PCI bus id (CUDA and NVML number devices differently). */
static void identify(int device, struct device *out) {
  char bus[32];
  CHECK(cudaDeviceGetPCIBusId(bus, sizeof bus, device));
  nvmlDevice_t handle;
  char text[96];
  if (nvmlDeviceGetHandleByPciBusId_v2(bus, &handle) != NVML_SUCCESS) fail("NVML does not know a visible device");
  if (nvmlDeviceGetUUID(handle, text, sizeof text) != NVML_SUCCESS) fail("NVML gave no device UUID");
  copy_plain(out->uuid, sizeof out->uuid, text);
  if (nvmlDeviceGetName(handle, text, sizeof text) != NVML_SUCCESS) fail("NVML gave no device name");
  copy_plain(out->model, sizeof out->model, text);
}
static void identify_init(void) {
  if (nvmlInit_v2() != NVML_SUCCESS) fail("NVML did not initialise: is the NVIDIA driver visible in the container?");
}
static void identify_done(void) { nvmlShutdown(); }
#else
/* The UUID and name the CUDA runtime gives, written as nvidia-smi and NVML write it (GPU-8-4-4-4-12 hex). */
static void identify(int device, struct device *out) {
  cudaDeviceProp prop;
  CHECK(cudaGetDeviceProperties(&prop, device));
  const unsigned char *u = (const unsigned char *)prop.uuid.bytes;
  snprintf(out->uuid, sizeof out->uuid,
           "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4],
           u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
  copy_plain(out->model, sizeof out->model, prop.name);
}
static void identify_init(void) {}
static void identify_done(void) {}
#endif

int main(int argc, char **argv) {
  struct challenge ch = read_challenge(argc, argv);
  double start = now_s();
  identify_init();
  int count = 0;
  CHECK(cudaGetDeviceCount(&count));
  if (count == 0) fail("no CUDA device visible: were the GPUs passed with DeviceRequests?");
  if (count > MAX_DEVICES) count = MAX_DEVICES;
  struct device devices[MAX_DEVICES];
  double tflops = 0, bandwidth = 0;
  int measured = 0;
  // Devices left when the cap runs out are not reported: the marketplace then sees other ids than listed.
  for (int device = 0; device < count && now_s() - start < ch.max_seconds; device++, measured++) {
    double t, bw;
    identify(device, &devices[device]);
    measure(device, &t, &bw);
    tflops += t;
    bandwidth += bw;
  }
  identify_done();
  print_result(&ch, "cuda", tflops, bandwidth, devices, measured, (now_s() - start) * 1000.0);
  return 0;
}
