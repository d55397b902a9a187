// A plugin kernel whose length is an int, while the test's args(...) pass the output's length(),
// a long: the mismatch PtxKernel's registration check must report (PtxKernelArgumentsTest).
// scale.ptx is committed so that the test needs no nvcc; regenerate it with
//   nvcc -arch=compute_75 -ptx -o ../resources/dev/jgrad/api/op/scale.ptx scale.cu
extern "C" __global__ void scale_f32(const float* x, float* y, float a, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = a * x[i];
}

extern "C" __global__ void scale_f64(const double* x, double* y, double a, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = a * x[i];
}
