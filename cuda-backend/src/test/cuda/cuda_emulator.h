// Runs jgrad's CUDA C kernels on the CPU, for testing their logic where no GPU is available.
//
// Each GPU thread of a block is a std::thread; blocks run one after another, so `static`
// variables behave as __shared__ memory. __syncthreads is a barrier over the block, warp
// shuffles exchange through a per-warp buffer between two barriers. This checks indexing,
// grid-stride loops, block reductions, error reporting and numerics of the CUDA C source; it
// cannot check what only hardware shows (PTX code generation, memory coalescing, timing, races
// that a sequentially consistent CPU hides).
#pragma once

#include <atomic>
#include <barrier>
#include <cmath>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

struct dim3 {
  unsigned x = 1, y = 1, z = 1;
};

inline dim3 gridDim, blockDim;             // the same for every thread of a launch
inline thread_local dim3 blockIdx, threadIdx;
inline thread_local unsigned jg_emu_linear; // linear thread id within the block

struct JgEmuWarp {
  std::barrier<> bar{32};
  alignas(16) unsigned char slots[32][16];
};
inline std::barrier<> *jg_emu_block_barrier;
inline JgEmuWarp *jg_emu_warps;

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static
#define __launch_bounds__(...) // a hint to the GPU compiler; the CPU has no register limit

inline void __syncthreads() { jg_emu_block_barrier->arrive_and_wait(); }

// The intrinsics that round each operation on its own: plain operations here, which g++ does not
// fuse into multiply-adds for a target without them (the default x86-64).
inline float __fadd_rn(float a, float b) { return a + b; }
inline double __dadd_rn(double a, double b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline double __dsub_rn(double a, double b) { return a - b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline double __dmul_rn(double a, double b) { return a * b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline double __ddiv_rn(double a, double b) { return a / b; }

// A warp shuffle: each lane publishes v, then reads the slot of the lane source(lane) names.
template <typename T, typename Source> T jg_emu_shuffle(T v, Source source) {
  static_assert(sizeof(T) <= 16, "shuffle of a large type");
  JgEmuWarp &w = jg_emu_warps[jg_emu_linear / 32];
  unsigned lane = jg_emu_linear % 32;
  std::memcpy(w.slots[lane], &v, sizeof(T));
  w.bar.arrive_and_wait();
  T r;
  std::memcpy(&r, w.slots[source(lane)], sizeof(T));
  w.bar.arrive_and_wait();
  return r;
}

template <typename T> T __shfl_down_sync(unsigned, T v, int delta) {
  // like hardware: a source out of range reads the lane's own value
  return jg_emu_shuffle(v, [delta](unsigned lane) {
    return lane + delta < 32 ? lane + delta : lane;
  });
}

template <typename T> T __shfl_sync(unsigned, T v, int src_lane) {
  return jg_emu_shuffle(v, [src_lane](unsigned) { return (unsigned)src_lane & 31u; });
}

inline unsigned long long atomicCAS(unsigned long long *p, unsigned long long expected,
                                    unsigned long long desired) {
  __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  return expected; // the old value, as CUDA returns it
}

template <typename T> T atomicAdd(T *p, T v) {
  return std::atomic_ref<T>(*p).fetch_add(v);
}

inline long long __double_as_longlong(double d) {
  long long r;
  std::memcpy(&r, &d, sizeof r);
  return r;
}

// Launches `kernel` (a callable running one GPU thread) over grid x block.
template <typename F> void jg_emu_launch(dim3 grid, dim3 block, F kernel) {
  unsigned n = block.x * block.y * block.z;
  if (n > 32 && n % 32 != 0) {
    std::abort(); // warp emulation needs whole warps (our kernels launch whole warps)
  }
  gridDim = grid;
  blockDim = block;
  for (unsigned bz = 0; bz < grid.z; ++bz) {
    for (unsigned by = 0; by < grid.y; ++by) {
      for (unsigned bx = 0; bx < grid.x; ++bx) {
        std::barrier<> bar(n);
        unsigned warps = (n + 31) / 32;
        std::unique_ptr<JgEmuWarp[]> ws(new JgEmuWarp[warps]);
        jg_emu_block_barrier = &bar;
        jg_emu_warps = ws.get();
        std::vector<std::thread> threads;
        threads.reserve(n);
        for (unsigned t = 0; t < n; ++t) {
          threads.emplace_back([=] {
            blockIdx = {bx, by, bz};
            threadIdx = {t % block.x, (t / block.x) % block.y, t / (block.x * block.y)};
            jg_emu_linear = t;
            kernel();
          });
        }
        for (auto &th : threads) th.join();
      }
    }
  }
}
