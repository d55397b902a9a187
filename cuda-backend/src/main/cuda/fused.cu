// Fused kernels: each saves whole passes over memory compared with composing primitives.
//  - softmax_xent: softmax cross-entropy loss per row and its gradient on the logits, in one
//    read of the logits (instead of max, sub, exp, sum, div, log, gather, sub...).
//  - softmax_xent_mean: the mean of those losses in one launch of one block, for a batch.
//  - bias_act: out = act(x + bias) over [rows, cols] with bias [cols].
//  - relu_grad: relu's gradient, g where x > 0 else 0, in one pass (step, then mul, was two passes
//    and a temporary).
//  - sgd: the optimizer step, with optional momentum and weight decay, in place.
//  - sgd_batch: the same step for up to JG_BATCH parameters in one launch (PyTorch's foreach
//    SGD), so a model's update is one launch instead of one per parameter.
//  - adam: Adam's update of the parameter and both moments, in place (the api's FusedAdam).
//  - adamw: AdamW's, the same with decoupled decay (the api's FusedAdamW).
//  - adam_batch, adamw_batch: either for up to JG_BATCH parameters in one launch (foreach Adam).
#include "common.cuh"

// One block per row (grid-stride over rows). labels [rows] are INT32 class indices.
// loss[row] = logsumexp(logits[row]) - logits[row, label].
// grad (optional, may be null) [rows, classes] = (softmax(logits[row]) - onehot(label)) * scale,
// where scale is typically 1 / rows for a mean loss, then times upstream[0] when upstream is not
// null (the loss's own gradient: a second multiply, as the separate launch it replaces did). A
// bad label gives loss NaN and grad 0 (times upstream).
template <typename T>
__device__ void softmax_xent(const T *logits, const int *labels, i64 rows, i64 classes, T *loss,
                             T *grad, T scale, const T *upstream, i64 *err) {
  for (i64 r = blockIdx.x; r < rows; r += gridDim.x) {
    const T *x = logits + r * classes;
    Acc<T> m = jg_acc_identity<T>(JG_REDUCE_MAX);
    for (i64 c = threadIdx.x; c < classes; c += blockDim.x) jg_acc_add(JG_REDUCE_MAX, m, x[c], c);
    m = jg_block_reduce(JG_REDUCE_MAX, m);
    __shared__ T shared_max;
    __shared__ T shared_sum;
    if (threadIdx.x == 0) shared_max = m.v;
    __syncthreads();
    T mx = shared_max;
    Acc<T> s = jg_acc_identity<T>(JG_REDUCE_SUM);
    for (i64 c = threadIdx.x; c < classes; c += blockDim.x)
      jg_acc_add(JG_REDUCE_SUM, s, jg_exp(x[c] - mx), c);
    s = jg_block_reduce(JG_REDUCE_SUM, s);
    if (threadIdx.x == 0) shared_sum = jg_acc_result(JG_REDUCE_SUM, s);
    __syncthreads();
    T sum = shared_sum;
    i64 label;
    bool ok = jg_read_index(labels, r, classes, err, JG_PRIM_SOFTMAX_XENT, threadIdx.x == 0,
                            &label);
    if (threadIdx.x == 0) loss[r] = ok ? jg_log(sum) + mx - x[label] : (T)NAN;
    if (grad != 0) {
      T *g = grad + r * classes;
      for (i64 c = threadIdx.x; c < classes; c += blockDim.x) {
        T p = jg_exp(x[c] - mx) / sum;
        T v = ok ? (p - (c == label ? (T)1 : (T)0)) * scale : (T)0;
        g[c] = upstream != 0 ? jg_mul_rn(v, upstream[0]) : v;
      }
    }
    __syncthreads(); // shared_max/shared_sum are rewritten by the next row
  }
}

// The mean of the rows' losses in one launch of one block (for small batches,
// CudaFusedOps.meanInOneLaunch; larger ones take the per-row kernel, a sum and a scaling): warp w takes rows w, w + W, ... (W warps), its lanes the classes, with the per-row
// kernel's loss per row (its max and compensated sum, reduced over the warp); lane 0 adds each
// row's loss to its warp's compensated sum, the warps' sums are merged in a block reduce, and the
// total is times inv_rows. Where that mean is not finite, the mean of the losses added in double
// is taken instead, as the CPU adds them (CpuLossKernels): a FLOAT32 batch whose losses sum past
// FLT_MAX keeps its finite mean (finite means are untouched). A bad label gives NaN, as the
// per-row kernel. Deterministic: a fixed order for every batch size.
template <typename T>
__device__ void softmax_xent_mean(const T *logits, const int *labels, i64 rows, i64 classes,
                                  T *out, T inv_rows, i64 *err) {
  const int lane = threadIdx.x & 31;
  const int warps = blockDim.x >> 5;
  Acc<T> total = jg_acc_identity<T>(JG_REDUCE_SUM);
  // FLOAT64's total is already that sum: only a narrower T keeps the second one.
  constexpr bool narrow = sizeof(T) < sizeof(double);
  Acc<double> wide = jg_acc_identity<double>(JG_REDUCE_SUM);
  for (i64 r = threadIdx.x >> 5; r < rows; r += warps) {
    const T *x = logits + r * classes;
    Acc<T> m = jg_acc_identity<T>(JG_REDUCE_MAX);
    for (i64 c = lane; c < classes; c += 32) jg_acc_add(JG_REDUCE_MAX, m, x[c], c);
    for (int d = 16; d > 0; d >>= 1) m = jg_acc_merge(JG_REDUCE_MAX, m, jg_shfl_down(m, d));
    T mx = __shfl_sync(0xffffffffu, m.v, 0);
    Acc<T> s = jg_acc_identity<T>(JG_REDUCE_SUM);
    for (i64 c = lane; c < classes; c += 32) jg_acc_add(JG_REDUCE_SUM, s, jg_exp(x[c] - mx), c);
    for (int d = 16; d > 0; d >>= 1) s = jg_acc_merge(JG_REDUCE_SUM, s, jg_shfl_down(s, d));
    if (lane == 0) {
      i64 label;
      bool ok = jg_read_index(labels, r, classes, err, JG_PRIM_SOFTMAX_XENT, true, &label);
      T lse = jg_log(jg_acc_result(JG_REDUCE_SUM, s));
      jg_acc_add(JG_REDUCE_SUM, total, ok ? lse + mx - x[label] : (T)NAN, r);
      if (narrow)
        jg_acc_add(JG_REDUCE_SUM, wide,
                   ok ? (double)lse + (double)mx - (double)x[label] : (double)NAN, r);
    }
  }
  total = jg_block_reduce(JG_REDUCE_SUM, total);
  if (narrow) wide = jg_block_reduce(JG_REDUCE_SUM, wide);
  if (threadIdx.x == 0) {
    T mean = jg_mul_rn(jg_acc_result(JG_REDUCE_SUM, total), inv_rows);
    out[0] = !narrow || jg_isfinite(mean)
                 ? mean
                 : (T)jg_mul_rn(jg_acc_result(JG_REDUCE_SUM, wide), (double)inv_rows);
  }
}

template <typename T>
__device__ void bias_act(const T *x, const T *bias, T *out, i64 rows, i64 cols, int act) {
  JG_GRID_STRIDE(t, rows * cols) out[t] = jg_unary(act, x[t] + bias[t % cols]);
}

// The CPU's relu gradient (FloatKernels.reluGrad): g where x > 0; +0 where x <= 0, even for an
// infinite or negative g (PyTorch's threshold_backward; g * step(x) made inf * 0 = NaN); NaN where
// x or g is NaN. Selects only, no arithmetic, so no rounding to agree on.
template <typename T>
__device__ void relu_grad(const T *g, const T *x, T *out, i64 n) {
  JG_GRID_STRIDE(i, n) {
    T gi = g[i];
    T xi = x[i];
    out[i] = xi > (T)0 ? gi : (xi != xi ? xi : (gi != gi ? gi : (T)0));
  }
}

// velocity == null: p -= lr * (g + wd * p).
// otherwise:        v = momentum * v + g + wd * p;  p -= lr * v.
// Each operation rounded on its own, in the CPU backend's order (FloatKernels.sgdUpdate), so the
// same bits from the same gradient.
template <typename T>
__device__ __forceinline__ void sgd_at(T *param, const T *grad, T *velocity, i64 i, T lr,
                                       T momentum, T wd) {
  T p = param[i];
  T decay = jg_mul_rn(wd, p);
  if (velocity != 0) {
    T v = jg_add_rn(jg_add_rn(jg_mul_rn(momentum, velocity[i]), grad[i]), decay);
    velocity[i] = v;
    param[i] = jg_sub_rn(p, jg_mul_rn(lr, v));
  } else {
    param[i] = jg_sub_rn(p, jg_mul_rn(lr, jg_add_rn(grad[i], decay)));
  }
}

template <typename T>
__device__ void sgd(T *param, const T *grad, T *velocity, i64 n, T lr, T momentum, T wd) {
  JG_GRID_STRIDE(i, n) sgd_at(param, grad, velocity, i, lr, momentum, wd);
}

// The most parameters one batch launch (sgd_batch, adam_batch, adamw_batch) updates; its
// parameters are passed by value in a struct, whose size the PTX declares.
#define JG_BATCH 16

// The block's entry in a batch launch and its place among that entry's blocks: entry k's blocks
// are [block_end[k - 1], block_end[k]) (from 0 for k = 0), and each block strides over its entry
// only.
struct JgBatchBlock {
  int entry;
  i64 first;  // this thread's first element
  i64 stride; // the entry's threads
};

__device__ __forceinline__ JgBatchBlock jg_batch_block(const int *block_end, int count) {
  int k = 0;
  while (k + 1 < count && (int)blockIdx.x >= block_end[k]) ++k;
  int first_block = k == 0 ? 0 : block_end[k - 1];
  return {k, (i64)((int)blockIdx.x - first_block) * blockDim.x + threadIdx.x,
          (i64)(block_end[k] - first_block) * blockDim.x};
}

// The parameters of one sgd_batch launch, passed by value (FusedKernels.sgdBatchArgs writes this
// layout). Pointers are addresses (u64) so one layout serves both dtypes.
struct SgdBatch {
  unsigned long long param[JG_BATCH];
  unsigned long long grad[JG_BATCH];
  unsigned long long velocity[JG_BATCH]; // 0: no momentum for this entry
  i64 n[JG_BATCH];
  int block_end[JG_BATCH];
  int count;
};

template <typename T>
__device__ void sgd_batch(const SgdBatch &b, T lr, T momentum, T wd) {
  JgBatchBlock at = jg_batch_block(b.block_end, b.count);
  T *param = (T *)b.param[at.entry];
  const T *grad = (const T *)b.grad[at.entry];
  T *velocity = (T *)b.velocity[at.entry];
  for (i64 i = at.first; i < b.n[at.entry]; i += at.stride)
    sgd_at(param, grad, velocity, i, lr, momentum, wd);
}

// Adam in one pass, the twelve primitive launches' operations in their order (FusedAdam):
//   m = m + (g - m) * c1;  v = v + (g * g - v) * c2;  param = param + (m / (sqrt(v) + eps)) * step
// with c1 = 1 - beta1 and c2 = 1 - beta2 rounded to T by the caller, and step = -lr_t[0] rounded
// to T here: the rate is read when the kernel runs, so a CUDA graph replays it with the rate the
// host filled in before the launch. Each operation is rounded on its own, as in its primitive
// kernel (jg_add_rn & co., common.cuh).
template <typename T>
__device__ __forceinline__ void adam_at(T *param, const T *grad, T *m, T *v, i64 i, T c1, T c2,
                                        T eps, T step) {
  T g = grad[i];
  T mi = jg_add_rn(m[i], jg_mul_rn(jg_sub_rn(g, m[i]), c1));
  T vi = jg_add_rn(v[i], jg_mul_rn(jg_sub_rn(jg_mul_rn(g, g), v[i]), c2));
  m[i] = mi;
  v[i] = vi;
  T denominator = jg_add_rn(jg_sqrt(vi), eps);
  param[i] = jg_add_rn(param[i], jg_mul_rn(jg_div_rn(mi, denominator), step));
}

template <typename T>
__device__ void adam(T *param, const T *grad, T *m, T *v, i64 n, T c1, T c2, T eps,
                     const double *lr_t) {
  const T step = (T)(-lr_t[0]);
  JG_GRID_STRIDE(i, n) adam_at(param, grad, m, v, i, c1, c2, eps, step);
}

// AdamW in one pass, the fourteen primitive launches' operations in their order (FusedAdamW):
//   param = param * decay;  m = m + (g - m) * c1;  v = v + (g * g - v) * c2;
//   param = param + (m / (sqrt(v) / bias_root + eps)) * step
// c1, c2 and eps rounded to T by the caller; decay[0], bias_root[0] and step[0] read when the
// kernel runs (a CUDA graph replays it with what the host filled in before the launch), rounded
// to T.
template <typename T>
__device__ __forceinline__ void adamw_at(T *param, const T *grad, T *m, T *v, i64 i, T c1, T c2,
                                         T eps, T decay, T root, T step) {
  T p = jg_mul_rn(param[i], decay);
  T g = grad[i];
  T mi = jg_add_rn(m[i], jg_mul_rn(jg_sub_rn(g, m[i]), c1));
  T vi = jg_add_rn(v[i], jg_mul_rn(jg_sub_rn(jg_mul_rn(g, g), v[i]), c2));
  m[i] = mi;
  v[i] = vi;
  T denominator = jg_add_rn(jg_div_rn(jg_sqrt(vi), root), eps);
  param[i] = jg_add_rn(p, jg_mul_rn(jg_div_rn(mi, denominator), step));
}

template <typename T>
__device__ void adamw(T *param, const T *grad, T *m, T *v, i64 n, T c1, T c2, T eps,
                      const double *decay_factor, const double *bias_root,
                      const double *step_size) {
  const T decay = (T)decay_factor[0];
  const T root = (T)bias_root[0];
  const T step = (T)step_size[0];
  JG_GRID_STRIDE(i, n) adamw_at(param, grad, m, v, i, c1, c2, eps, decay, root, step);
}

// The parameters of one adam_batch or adamw_batch launch, passed by value
// (FusedKernels.adamBatchArgs writes this layout); entries and blocks as in SgdBatch.
struct AdamBatch {
  unsigned long long param[JG_BATCH];
  unsigned long long grad[JG_BATCH];
  unsigned long long m[JG_BATCH];
  unsigned long long v[JG_BATCH];
  i64 n[JG_BATCH];
  int block_end[JG_BATCH];
  int count;
};

// Calls update(param, grad, m, v, i) for each element i of this block's entry of the batch.
template <typename T, typename F>
__device__ __forceinline__ void each_moment_entry(const AdamBatch &b, F update) {
  JgBatchBlock at = jg_batch_block(b.block_end, b.count);
  T *param = (T *)b.param[at.entry];
  const T *grad = (const T *)b.grad[at.entry];
  T *m = (T *)b.m[at.entry];
  T *v = (T *)b.v[at.entry];
  for (i64 i = at.first; i < b.n[at.entry]; i += at.stride) update(param, grad, m, v, i);
}

// Adam for every entry of the batch: adam's operations per element, with the one rate of the
// launch, so each entry's bits are those of its own adam launch.
template <typename T>
__device__ void adam_batch(const AdamBatch &b, T c1, T c2, T eps, const double *lr_t) {
  const T step = (T)(-lr_t[0]);
  each_moment_entry<T>(b, [=](T *param, const T *grad, T *m, T *v, i64 i) {
    adam_at(param, grad, m, v, i, c1, c2, eps, step);
  });
}

// AdamW for every entry of the batch, as adam_batch does Adam.
template <typename T>
__device__ void adamw_batch(const AdamBatch &b, T c1, T c2, T eps, const double *decay_factor,
                            const double *bias_root, const double *step_size) {
  const T decay = (T)decay_factor[0];
  const T root = (T)bias_root[0];
  const T step = (T)step_size[0];
  each_moment_entry<T>(b, [=](T *param, const T *grad, T *m, T *v, i64 i) {
    adamw_at(param, grad, m, v, i, c1, c2, eps, decay, root, step);
  });
}

extern "C" {
__global__ void jg_softmax_xent_f32(const float *logits, const int *labels, i64 rows,
                                    i64 classes, float *loss, float *grad, float scale,
                                    const float *upstream, i64 *err) {
  softmax_xent(logits, labels, rows, classes, loss, grad, scale, upstream, err);
}
__global__ void jg_softmax_xent_f64(const double *logits, const int *labels, i64 rows,
                                    i64 classes, double *loss, double *grad, double scale,
                                    const double *upstream, i64 *err) {
  softmax_xent(logits, labels, rows, classes, loss, grad, scale, upstream, err);
}

// softmax_xent_mean runs as one block of JG_XENT_MEAN_BLOCK threads (CudaFusedOps.XENT_MEAN_BLOCK;
// every other kernel runs 256 a block). __launch_bounds__ makes ptxas, and the driver's JIT on any
// GPU, fit the kernel in the 64 registers a thread that a block of 1024 may use (65,536 a block):
// a kernel compiled to need more fails every such launch with CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES.
// The 1 (one block a multiprocessor is all a launch has) keeps ptxas from squeezing it further:
// with 1024 alone, sm_90's spilled to 32 registers to fit two blocks.
#define JG_XENT_MEAN_BLOCK 1024
__global__ void __launch_bounds__(JG_XENT_MEAN_BLOCK, 1)
jg_softmax_xent_mean_f32(const float *logits, const int *labels, i64 rows, i64 classes,
                         float *out, float inv_rows, i64 *err) {
  softmax_xent_mean(logits, labels, rows, classes, out, inv_rows, err);
}
__global__ void __launch_bounds__(JG_XENT_MEAN_BLOCK, 1)
jg_softmax_xent_mean_f64(const double *logits, const int *labels, i64 rows, i64 classes,
                         double *out, double inv_rows, i64 *err) {
  softmax_xent_mean(logits, labels, rows, classes, out, inv_rows, err);
}
__global__ void jg_bias_act_f32(const float *x, const float *bias, float *out, i64 rows,
                                i64 cols, int act) {
  bias_act(x, bias, out, rows, cols, act);
}
__global__ void jg_bias_act_f64(const double *x, const double *bias, double *out, i64 rows,
                                i64 cols, int act) {
  bias_act(x, bias, out, rows, cols, act);
}

__global__ void jg_relu_grad_f32(const float *g, const float *x, float *out, i64 n) {
  relu_grad(g, x, out, n);
}
__global__ void jg_relu_grad_f64(const double *g, const double *x, double *out, i64 n) {
  relu_grad(g, x, out, n);
}

// The SGD launches read the learning rate from device memory (one double, rounded to T as the
// host rounds a scalar argument) when they run, so a CUDA graph replays them with the rate the
// host filled in before the launch.
__global__ void jg_sgd_f32(float *param, const float *grad, float *velocity, i64 n,
                           const double *lr, float momentum, float wd) {
  sgd(param, grad, velocity, n, (float)lr[0], momentum, wd);
}
__global__ void jg_sgd_f64(double *param, const double *grad, double *velocity, i64 n,
                           const double *lr, double momentum, double wd) {
  sgd(param, grad, velocity, n, lr[0], momentum, wd);
}

__global__ void jg_sgd_batch_f32(SgdBatch batch, const double *lr, float momentum, float wd) {
  sgd_batch(batch, (float)lr[0], momentum, wd);
}
__global__ void jg_sgd_batch_f64(SgdBatch batch, const double *lr, double momentum, double wd) {
  sgd_batch(batch, lr[0], momentum, wd);
}

__global__ void jg_adam_f32(float *param, const float *grad, float *m, float *v, i64 n, float c1,
                            float c2, float eps, const double *lr_t) {
  adam(param, grad, m, v, n, c1, c2, eps, lr_t);
}
__global__ void jg_adam_f64(double *param, const double *grad, double *m, double *v, i64 n,
                            double c1, double c2, double eps, const double *lr_t) {
  adam(param, grad, m, v, n, c1, c2, eps, lr_t);
}

__global__ void jg_adamw_f32(float *param, const float *grad, float *m, float *v, i64 n,
                             float c1, float c2, float eps, const double *decay,
                             const double *bias_root, const double *step) {
  adamw(param, grad, m, v, n, c1, c2, eps, decay, bias_root, step);
}
__global__ void jg_adamw_f64(double *param, const double *grad, double *m, double *v, i64 n,
                             double c1, double c2, double eps, const double *decay,
                             const double *bias_root, const double *step) {
  adamw(param, grad, m, v, n, c1, c2, eps, decay, bias_root, step);
}

__global__ void jg_adam_batch_f32(AdamBatch batch, float c1, float c2, float eps,
                                  const double *lr_t) {
  adam_batch(batch, c1, c2, eps, lr_t);
}
__global__ void jg_adam_batch_f64(AdamBatch batch, double c1, double c2, double eps,
                                  const double *lr_t) {
  adam_batch(batch, c1, c2, eps, lr_t);
}

__global__ void jg_adamw_batch_f32(AdamBatch batch, float c1, float c2, float eps,
                                   const double *decay, const double *bias_root,
                                   const double *step) {
  adamw_batch(batch, c1, c2, eps, decay, bias_root, step);
}
__global__ void jg_adamw_batch_f64(AdamBatch batch, double c1, double c2, double eps,
                                   const double *decay, const double *bias_root,
                                   const double *step) {
  adamw_batch(batch, c1, c2, eps, decay, bias_root, step);
}
}
