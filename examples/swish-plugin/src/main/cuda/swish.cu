// Swish, y = x * sigmoid(beta * x), and its derivative, for the jgrad example plugin.
// Regenerate the PTX with build-ptx.sh in this folder (needs nvcc); the PTX is committed.

template <typename T>
__device__ T sigmoid_of(T z) {
  return T(1) / (T(1) + exp(-z));
}

template <typename T>
__device__ void swish_forward(const T* x, T* y, T beta, long long n) {
  long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x;
  long long stride = (long long)gridDim.x * blockDim.x;
  for (; i < n; i += stride) {
    T v = x[i];
    y[i] = v * sigmoid_of(beta * v);
  }
}

// dy/dx = s + beta * x * s * (1 - s), with s = sigmoid(beta * x); dx = g * dy/dx
template <typename T>
__device__ void swish_backward(const T* x, const T* g, T* dx, T beta, long long n) {
  long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x;
  long long stride = (long long)gridDim.x * blockDim.x;
  for (; i < n; i += stride) {
    T v = x[i];
    T s = sigmoid_of(beta * v);
    dx[i] = g[i] * (s + beta * v * s * (T(1) - s));
  }
}

extern "C" __global__ void swish_fwd_f32(const float* x, float* y, float beta, long long n) {
  swish_forward(x, y, beta, n);
}
extern "C" __global__ void swish_fwd_f64(const double* x, double* y, double beta, long long n) {
  swish_forward(x, y, beta, n);
}
extern "C" __global__ void swish_bwd_f32(const float* x, const float* g, float* dx, float beta,
                                         long long n) {
  swish_backward(x, g, dx, beta, n);
}
extern "C" __global__ void swish_bwd_f64(const double* x, const double* g, double* dx,
                                         double beta, long long n) {
  swish_backward(x, g, dx, beta, n);
}
