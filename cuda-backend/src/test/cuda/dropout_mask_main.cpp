// Prints dropout.cu's mask, run on the CPU with the CUDA emulator, for DropoutEmulationTest to
// compare with dev.jgrad.api.op.DropoutMask bit for bit (the Java side defines the mask).
//
//   dropout_mask_main N SEED COUNTER THRESHOLD SCALE   one line per element: the float bits, the
//                                                      double bits (hex), from the f32 and f64
//                                                      entries (the counter read from memory)
#include "cuda_emulator.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "dropout.cu"

int main(int argc, char **argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: dropout_mask_main N SEED COUNTER THRESHOLD SCALE\n");
    return 2;
  }
  i64 n = std::strtoll(argv[1], nullptr, 10);
  i64 seed = std::strtoll(argv[2], nullptr, 10);
  const double counter = (double)std::strtoll(argv[3], nullptr, 10); // as the FLOAT64 input
  i64 threshold = std::strtoll(argv[4], nullptr, 10);
  double scale = std::strtod(argv[5], nullptr);
  std::vector<float> f(n);
  std::vector<double> d(n);
  // a grid smaller than n, so the grid-stride loop wraps
  jg_emu_launch({2}, {64}, [&] { jg_dropout_mask_f32(f.data(), n, seed, &counter, threshold,
                                                       (float)scale); });
  jg_emu_launch({3}, {32}, [&] { jg_dropout_mask_f64(d.data(), n, seed, &counter, threshold,
                                                       scale); });
  for (i64 i = 0; i < n; i++) {
    uint32_t fb;
    uint64_t db;
    std::memcpy(&fb, &f[i], 4);
    std::memcpy(&db, &d[i], 8);
    std::printf("%08" PRIx32 " %016" PRIx64 "\n", fb, db);
  }
  return 0;
}
