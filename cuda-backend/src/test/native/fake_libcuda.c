/*
 * A stand-in libcuda.so.1 (soname libcuda.so.1) with only the driver functions jgrad's
 * availability probe calls, answering what the FAKE_CUDA_* environment variables say. Lets the
 * probe's decisions (no device, driver too old, GPU too old, all fine) be tested on a machine
 * without a GPU, in a child JVM. Any other driver function is absent on purpose.
 *
 *   FAKE_CUDA_INIT     cuInit's result (default 0; 100 = CUDA_ERROR_NO_DEVICE, 34 = stub)
 *   FAKE_CUDA_VERSION  cuDriverGetVersion's answer (default 12040)
 *   FAKE_CUDA_DEVICES  cuDeviceGetCount's answer (default 1)
 *   FAKE_CUDA_CC       compute capability as major*10+minor (default 90)
 */
#include <stdlib.h>

static int env_int(const char *name, int fallback) {
  const char *v = getenv(name);
  return v != NULL && *v != '\0' ? atoi(v) : fallback;
}

int cuInit(unsigned int flags) {
  (void)flags;
  return env_int("FAKE_CUDA_INIT", 0);
}

int cuDriverGetVersion(int *version) {
  *version = env_int("FAKE_CUDA_VERSION", 12040);
  return 0;
}

int cuDeviceGetCount(int *count) {
  *count = env_int("FAKE_CUDA_DEVICES", 1);
  return 0;
}

int cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return 0;
}

int cuDeviceGetAttribute(int *value, int attribute, int device) {
  (void)device;
  int cc = env_int("FAKE_CUDA_CC", 90);
  if (attribute == 75) { /* CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR */
    *value = cc / 10;
  } else if (attribute == 76) { /* ..._MINOR */
    *value = cc % 10;
  } else {
    *value = 0;
  }
  return 0;
}
