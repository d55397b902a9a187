// The CUDA C kernels of src/main/cuda, compiled for the CPU with cuda_emulator.h and checked
// against reference loops. Run by KernelEmulationTest wherever g++ exists:
//   g++ -std=c++20 -O1 -pthread -I src/main/cuda kernel_emulation_test.cpp && ./a.out
// Launch configurations are chosen small and odd on purpose (few blocks, partial blocks) so the
// grid-stride loops and bounds checks are exercised; exits 0 when every check passes.
#include "cuda_emulator.h"

#include <cstdio>
#include <random>
#include <string>

#include "conv.cu"
#include "elementwise.cu"
#include "fused.cu"
#include "gemm.cu"
#include "layout.cu"
#include "reduce.cu"

static int failures = 0;
static int checks = 0;

static bool close(double want, double got, double tol) {
  if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got);
  if (std::isinf(want) || std::isinf(got)) return want == got;
  return std::fabs(got - want) <= tol * (1 + std::fabs(want));
}

template <typename T>
static void expect_all(const std::string &what, const std::vector<double> &want,
                       const std::vector<T> &got, double tol) {
  ++checks;
  if (want.size() != got.size()) {
    std::printf("FAIL %s: %zu results, expected %zu\n", what.c_str(), got.size(), want.size());
    ++failures;
    return;
  }
  for (size_t i = 0; i < want.size(); ++i) {
    if (!close(want[i], (double)got[i], tol)) {
      std::printf("FAIL %s: element %zu is %.17g, expected %.17g\n", what.c_str(), i,
                  (double)got[i], want[i]);
      ++failures;
      return;
    }
  }
}

static void expect(const std::string &what, bool ok) {
  ++checks;
  if (!ok) {
    std::printf("FAIL %s\n", what.c_str());
    ++failures;
  }
}

template <typename T> static std::vector<T> random_values(size_t n, unsigned seed, double lo,
                                                          double hi) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<T> v(n);
  for (auto &x : v) x = (T)d(g);
  return v;
}

template <typename T> static double tol() { return sizeof(T) == 4 ? 1e-5 : 1e-12; }
template <typename T> static const char *name() { return sizeof(T) == 4 ? "f32" : "f64"; }

static double unary_ref(int op, double x) {
  switch (op) {
  case JG_UNARY_NEG: return -x;
  case JG_UNARY_EXP: return std::exp(x);
  case JG_UNARY_LOG: return std::log(x);
  case JG_UNARY_SQRT: return std::sqrt(x);
  case JG_UNARY_ABS: return std::fabs(x);
  case JG_UNARY_TANH: return std::tanh(x);
  case JG_UNARY_SIGMOID: return 1 / (1 + std::exp(-x));
  case JG_UNARY_RELU: return x < 0 ? 0 : x;
  case JG_UNARY_STEP: return x > 0 ? 1 : (std::isnan(x) ? x : 0);
  default: return x;
  }
}

static double binary_ref(int op, double a, double b) {
  switch (op) {
  case JG_BINARY_ADD: return a + b;
  case JG_BINARY_SUB: return a - b;
  case JG_BINARY_MUL: return a * b;
  case JG_BINARY_DIV: return a / b;
  case JG_BINARY_POW: return std::pow(a, b);
  case JG_BINARY_MAXIMUM: return std::isnan(a) || std::isnan(b) ? NAN : std::fmax(a, b);
  case JG_BINARY_MINIMUM: return std::isnan(a) || std::isnan(b) ? NAN : std::fmin(a, b);
  case JG_BINARY_GREATER: return a > b ? 1 : 0;
  case JG_BINARY_EQUAL: return a == b ? 1 : 0;
  default: return NAN;
  }
}

// ---- elementwise ---------------------------------------------------------------------------

template <typename T> static void test_elementwise() {
  const i64 n = 1000;
  std::vector<T> out(n);
  jg_emu_launch({3}, {64}, [&] { fill<T>(out.data(), n, (T)2.5); });
  expect_all(std::string("fill ") + name<T>(), std::vector<double>(n, 2.5), out, 0);

  for (int op = JG_UNARY_NEG; op <= JG_UNARY_STEP; ++op) {
    bool pos = op == JG_UNARY_LOG || op == JG_UNARY_SQRT;
    auto x = random_values<T>(n, op, pos ? 0.01 : -20, pos ? 50 : 20);
    x[0] = (T)0;
    if (!pos) x[1] = (T)NAN;
    std::vector<double> want(n);
    for (i64 i = 0; i < n; ++i) want[i] = (double)(T)unary_ref(op, (double)x[i]);
    jg_emu_launch({2}, {96}, [&] { unary<T>(x.data(), out.data(), n, op); });
    expect_all("unary " + std::to_string(op) + " " + name<T>(), want, out, tol<T>());
  }

  for (int op = JG_BINARY_ADD; op <= JG_BINARY_EQUAL; ++op) {
    auto a = random_values<T>(n, 10 + op, op == JG_BINARY_POW ? 0.1 : -3, 3);
    auto b = random_values<T>(n, 20 + op, -3, 3);
    b[3] = a[3];
    a[4] = (T)NAN;
    std::vector<double> want(n), want_s(n);
    T s = (T)1.75;
    for (i64 i = 0; i < n; ++i) {
      want[i] = (double)(T)binary_ref(op, (double)a[i], (double)b[i]);
      want_s[i] = (double)(T)binary_ref(op, (double)a[i], (double)s);
    }
    jg_emu_launch({2}, {128}, [&] { binary<T>(a.data(), b.data(), out.data(), n, op); });
    expect_all("binary " + std::to_string(op) + " " + name<T>(), want, out, tol<T>());
    jg_emu_launch({1}, {64}, [&] { scalar<T>(a.data(), s, out.data(), n, op); });
    expect_all("scalar " + std::to_string(op) + " " + name<T>(), want_s, out, tol<T>());
  }
}

// Builds BcastParams as BroadcastPlan.java does before merging: right-aligned dims, strides 0
// where an input is broadcast. (Merging only shortens this; BroadcastPlanTest covers it.)
static BcastParams plan(const std::vector<i64> &a, const std::vector<i64> &b,
                        std::vector<i64> *out) {
  size_t rank = std::max(a.size(), b.size());
  out->assign(rank, 1);
  std::vector<i64> ad(rank, 1), bd(rank, 1);
  for (size_t i = 0; i < a.size(); ++i) ad[rank - a.size() + i] = a[i];
  for (size_t i = 0; i < b.size(); ++i) bd[rank - b.size() + i] = b[i];
  BcastParams p{};
  p.rank = (i64)rank;
  i64 as = 1, bs = 1;
  for (int d = (int)rank - 1; d >= 0; --d) {
    (*out)[d] = std::max(ad[d], bd[d]);
    int slot = JG_MAX_DIMS - (int)rank + d;
    p.dims[slot] = (*out)[d];
    p.aStride[slot] = ad[d] == 1 ? 0 : as;
    p.bStride[slot] = bd[d] == 1 ? 0 : bs;
    as *= ad[d];
    bs *= bd[d];
  }
  for (int slot = 0; slot < JG_MAX_DIMS - (int)rank; ++slot) p.dims[slot] = 1;
  return p;
}

static i64 naive_offset(const std::vector<i64> &shape, const std::vector<i64> &out, i64 i) {
  std::vector<i64> idx(out.size());
  for (int d = (int)out.size() - 1; d >= 0; --d) {
    idx[d] = i % out[d];
    i /= out[d];
  }
  i64 off = 0;
  size_t shift = out.size() - shape.size();
  for (size_t d = 0; d < shape.size(); ++d) off = off * shape[d] + (shape[d] == 1 ? 0 : idx[d + shift]);
  return off;
}

template <typename T> static void test_broadcast() {
  std::vector<std::pair<std::vector<i64>, std::vector<i64>>> cases = {
      {{100, 10}, {10}},       {{100, 10}, {100, 1}}, {{5, 1}, {1, 6}},
      {{}, {4, 3}},            {{3, 1, 7}, {2, 1, 1, 1}},
      {{2, 1, 3, 1, 2, 1, 2, 1}, {1, 2, 1, 2, 1, 2, 1, 2}}}; // rank 8, the kernel's limit
  for (auto &c : cases) {
    std::vector<i64> out;
    BcastParams p = plan(c.first, c.second, &out);
    i64 n = 1, na = 1, nb = 1;
    for (i64 d : out) n *= d;
    for (i64 d : c.first) na *= d;
    for (i64 d : c.second) nb *= d;
    auto a = random_values<T>(na, 1, -2, 2);
    auto b = random_values<T>(nb, 2, -2, 2);
    std::vector<T> got(n);
    std::vector<double> want(n);
    for (i64 i = 0; i < n; ++i) {
      want[i] = (double)(T)((double)a[naive_offset(c.first, out, i)] *
                            (double)b[naive_offset(c.second, out, i)]);
    }
    jg_emu_launch({3}, {64}, [&] {
      binary_bcast<T>(a.data(), b.data(), got.data(), n, JG_BINARY_MUL, p);
    });
    expect_all(std::string("broadcast mul rank ") + std::to_string(out.size()) + " " + name<T>(),
               want, got, tol<T>());
  }
}

// ---- reductions ----------------------------------------------------------------------------

static std::vector<double> reduce_ref(int op, const std::vector<double> &x, i64 outer, i64 axis,
                                      i64 inner) {
  std::vector<double> r(outer * inner);
  for (i64 o = 0; o < outer; ++o)
    for (i64 i = 0; i < inner; ++i) {
      double sum = 0, best = 0;
      i64 arg = -1;
      for (i64 j = 0; j < axis; ++j) {
        double v = x[(o * axis + j) * inner + i];
        sum += v;
        if (arg < 0 || (!std::isnan(best) && (std::isnan(v) || v > best))) {
          best = v;
          arg = j;
        }
      }
      r[o * inner + i] = op == JG_REDUCE_SUM ? sum : op == JG_REDUCE_MAX ? best : (double)arg;
    }
  return r;
}

template <typename T> static void test_reduce() {
  struct Case {
    i64 outer, axis, inner;
    int kernel; // 0 cols, 1 rows, 2 tiled
    dim3 grid, block;
  };
  std::vector<Case> cases = {
      {7, 13, 5, 0, {2}, {64}},        {3, 1, 4, 0, {1}, {32}},
      {1, 5000, 1, 1, {1}, {256}},     {5, 300, 1, 1, {2}, {64}},
      {3, 1000, 1, 1, {3}, {32}},      {2, 500, 70, 2, {3}, {32, 8}},
      {1, 100, 33, 2, {1}, {32, 4}},   {4, 37, 1, 2, {2}, {32, 8}}};
  for (auto &c : cases) {
    i64 n = c.outer * c.axis * c.inner;
    auto xs = random_values<T>(n, (unsigned)(c.axis + c.inner), -1, 1);
    // ties: the first and last element of every reduced line hold the maximum
    for (i64 o = 0; o < c.outer; ++o)
      for (i64 i = 0; i < c.inner; ++i) {
        xs[(o * c.axis) * c.inner + i] = (T)2;
        xs[(o * c.axis + c.axis - 1) * c.inner + i] = (T)2;
      }
    std::vector<double> xd(xs.begin(), xs.end());
    for (int op = JG_REDUCE_SUM; op <= JG_REDUCE_ARGMAX; ++op) {
      std::vector<T> values(c.outer * c.inner, (T)-99);
      std::vector<int> indices(c.outer * c.inner, -99); // ARGMAX writes INT32
      void *o = op == JG_REDUCE_ARGMAX ? (void *)indices.data() : (void *)values.data();
      jg_emu_launch(c.grid, c.block, [&] {
        if (c.kernel == 0) reduce_cols<T>(xs.data(), o, c.outer, c.axis, c.inner, op);
        if (c.kernel == 1) reduce_rows<T>(xs.data(), o, c.outer, c.axis, c.inner, op);
        if (c.kernel == 2) reduce_tiled<T>(xs.data(), o, c.outer, c.axis, c.inner, op);
      });
      std::vector<double> out = op == JG_REDUCE_ARGMAX
          ? std::vector<double>(indices.begin(), indices.end())
          : std::vector<double>(values.begin(), values.end());
      auto want = reduce_ref(op, xd, c.outer, c.axis, c.inner);
      for (auto &w : want) w = (double)(T)w;
      expect_all("reduce kernel " + std::to_string(c.kernel) + " op " + std::to_string(op) +
                     " [" + std::to_string(c.outer) + "," + std::to_string(c.axis) + "," +
                     std::to_string(c.inner) + "] " + name<T>(),
                 want, out, op == JG_REDUCE_SUM ? (sizeof(T) == 4 ? 1e-5 : 1e-12) : 0);
    }
  }
  // NaN: the first NaN wins for MAX and ARGMAX, in all three kernels
  for (int kernel = 0; kernel < 3; ++kernel) {
    std::vector<T> xs(1000, (T)1);
    xs[700] = (T)NAN;
    xs[900] = (T)NAN;
    std::vector<int> out(1);
    jg_emu_launch({1}, kernel == 2 ? dim3{32, 8} : dim3{64}, [&] {
      if (kernel == 0) reduce_cols<T>(xs.data(), out.data(), 1, 1000, 1, JG_REDUCE_ARGMAX);
      if (kernel == 1) reduce_rows<T>(xs.data(), out.data(), 1, 1000, 1, JG_REDUCE_ARGMAX);
      if (kernel == 2) reduce_tiled<T>(xs.data(), out.data(), 1, 1000, 1, JG_REDUCE_ARGMAX);
    });
    expect("argmax with NaN, kernel " + std::to_string(kernel), out[0] == 700);
  }
  // a long float sum stays accurate (Kahan)
  std::vector<T> ones(200000, (T)0.1);
  std::vector<T> sum(1);
  jg_emu_launch({1}, {1}, [&] { reduce_cols<T>(ones.data(), sum.data(), 1, 200000, 1, JG_REDUCE_SUM); });
  expect_all(std::string("long sum ") + name<T>(), {200000 * (double)(T)0.1}, sum, 1e-6);
}

// ---- layout --------------------------------------------------------------------------------

// The kernels that only move elements, which UINT8 has its own entries of: copy_axis,
// copy_strided and index_select (good and bad indices), on 60 source elements of any type.
// Each output has a sentinel past its end that must stay untouched.
template <typename T> static void test_moves(const std::vector<T> &src, const std::string &dt) {
  // copy_axis: src [3, 4, 5] axis rows 1..3 -> dst [3, 6, 5] at 2; the rest keeps its 7s
  std::vector<T> dst(91, (T)7);
  std::vector<double> want(91, 7);
  for (int o = 0; o < 3; ++o)
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 5; ++j) want[(o * 6 + 2 + i) * 5 + j] = src[(o * 4 + 1 + i) * 5 + j];
  jg_emu_launch({2}, {32}, [&] { copy_axis<T>(src.data(), 4, 1, dst.data(), 6, 2, 3, 3, 5); });
  expect_all("copy_axis " + dt, want, dst, 0);

  // copy_strided: a view [2, 3, 4] of src from offset 5 with strides {1, 0, 12}: the first axis
  // steps by one element, the second repeats (stride 0), the last jumps rows.
  {
    BcastParams p{};
    p.rank = 3;
    for (int d = 0; d < JG_MAX_DIMS; ++d) p.dims[d] = 1;
    i64 dims[3] = {2, 3, 4}, strides[3] = {1, 0, 12};
    for (int d = 0; d < 3; ++d) {
      p.dims[JG_MAX_DIMS - 3 + d] = dims[d];
      p.aStride[JG_MAX_DIMS - 3 + d] = strides[d];
    }
    std::vector<T> out(25, (T)3);
    std::vector<double> ref(25, 3);
    for (i64 a = 0; a < 2; ++a)
      for (i64 b = 0; b < 3; ++b)
        for (i64 c = 0; c < 4; ++c) ref[(a * 3 + b) * 4 + c] = src[5 + a + c * 12];
    jg_emu_launch({2}, {8}, [&] { copy_strided<T>(src.data(), 5, out.data(), 24, p); });
    expect_all("copy_strided " + dt, ref, out, 0);
  }

  // index_select with repeated indices from src's first 36 elements as [2, 6, 3]
  i64 outer = 2, axis = 6, inner = 3;
  std::vector<int> idx = {5, 0, 0, 3, 5, 1, 5};
  i64 count = (i64)idx.size();
  std::vector<double> sel(outer * count * inner + 1, 99);
  for (i64 o = 0; o < outer; ++o)
    for (i64 i = 0; i < count; ++i)
      for (i64 j = 0; j < inner; ++j)
        sel[(o * count + i) * inner + j] = src[(o * axis + (i64)idx[i]) * inner + j];
  std::vector<T> got(sel.size(), (T)99);
  i64 err[4] = {0, 0, 0, 0};
  jg_emu_launch({2}, {32}, [&] {
    index_select<T>(src.data(), outer, axis, inner, idx.data(), count, got.data(), err);
  });
  expect_all("index_select " + dt, sel, got, 0);
  expect("index_select " + dt + ": no error for good indices", err[0] == 0);

  // a bad index: skipped (gather writes 0) and recorded once with position, bound and value
  std::vector<int> bad = {0, 7, 8, -1};
  std::vector<T> out4(outer * 4 * inner, (T)9);
  jg_emu_launch({1}, {64}, [&] {
    index_select<T>(src.data(), outer, axis, inner, bad.data(), 4, out4.data(), err);
  });
  double recorded;
  std::memcpy(&recorded, &err[3], sizeof recorded);
  expect("index_select " + dt + ": bad index recorded",
         err[0] == JG_PRIM_INDEX_SELECT && err[2] == axis &&
             ((err[1] == 1 && recorded == 7) || (err[1] == 2 && recorded == 8) ||
              (err[1] == 3 && recorded == -1)));
  bool ok = true;
  for (i64 o = 0; o < outer; ++o)
    for (i64 j = 0; j < inner; ++j)
      ok = ok && out4[(o * 4) * inner + j] == src[(o * axis) * inner + j] &&
           out4[(o * 4 + 1) * inner + j] == (T)0 && out4[(o * 4 + 2) * inner + j] == (T)0 &&
           out4[(o * 4 + 3) * inner + j] == (T)0;
  expect("index_select " + dt + ": bad gathers write 0, good ones their element", ok);
}

template <typename T> static void test_layout() {
  // transpose with grids smaller than the tile count, so the y and z loops run
  for (auto s : std::vector<std::array<i64, 3>>{{1, 33, 65}, {3, 70, 5}, {2, 64, 32}}) {
    i64 batch = s[0], rows = s[1], cols = s[2];
    auto x = random_values<T>(batch * rows * cols, 5, -1, 1);
    std::vector<T> out(x.size());
    std::vector<double> want(x.size());
    for (i64 q = 0; q < batch; ++q)
      for (i64 r = 0; r < rows; ++r)
        for (i64 c = 0; c < cols; ++c) want[(q * cols + c) * rows + r] = x[(q * rows + r) * cols + c];
    dim3 grid{(unsigned)((cols + 31) / 32), 1, 1};
    jg_emu_launch(grid, {32, 8}, [&] { transpose<T>(x.data(), out.data(), batch, rows, cols); });
    expect_all("transpose " + std::to_string(rows) + "x" + std::to_string(cols) + " " + name<T>(),
               want, out, 0);
  }

  test_moves<T>(random_values<T>(60, 6, -1, 1), name<T>());

  // index_add with repeated indices, outer 2, axis 6, inner 3
  i64 outer = 2, axis = 6, inner = 3;
  std::vector<int> idx = {5, 0, 0, 3, 5, 1, 5};
  i64 count = (i64)idx.size();
  auto slices = random_values<T>(outer * count * inner, 8, -1, 1);
  std::vector<double> add(outer * axis * inner, 0);
  for (i64 o = 0; o < outer; ++o)
    for (i64 i = 0; i < count; ++i)
      for (i64 j = 0; j < inner; ++j)
        add[(o * axis + (i64)idx[i]) * inner + j] += slices[(o * count + i) * inner + j];
  std::vector<T> acc(add.size(), (T)0);
  i64 err[4] = {0, 0, 0, 0};
  jg_emu_launch({3}, {32}, [&] {
    index_add<T>(slices.data(), idx.data(), count, acc.data(), outer, axis, inner, err);
  });
  expect_all(std::string("index_add ") + name<T>(), add, acc, tol<T>() * 4);
  expect("no error reported for good indices", err[0] == 0);

  // one_hot, with a bad index recorded under its own primitive code
  std::vector<int> labels = {2, 0, 9, 2};
  std::vector<T> oh(40);
  std::vector<double> ohw(40, 0);
  for (int r = 0; r < 4; ++r) ohw[r * 10 + (int)labels[r]] = 1;
  i64 err2[4] = {0, 0, 0, 0};
  jg_emu_launch({1}, {32}, [&] { one_hot<T>(labels.data(), 4, 10, oh.data(), err2); });
  expect_all(std::string("one_hot ") + name<T>(), ohw, oh, 0);
  labels[1] = 10;
  jg_emu_launch({1}, {32}, [&] { one_hot<T>(labels.data(), 4, 10, oh.data(), err2); });
  expect("one_hot bad index", err2[0] == JG_PRIM_ONE_HOT && err2[1] == 1 && err2[2] == 10);
}

// ---- fused ---------------------------------------------------------------------------------

template <typename T> static void test_fused() {
  for (auto s : std::vector<std::pair<i64, i64>>{{5, 10}, {2, 300}, {1, 1}}) {
    i64 rows = s.first, classes = s.second;
    auto x = random_values<T>(rows * classes, 9, -8, 8);
    std::vector<int> labels(rows);
    for (i64 r = 0; r < rows; ++r) labels[r] = (int)((r * 7) % classes);
    std::vector<double> lw(rows), gw(rows * classes);
    double scale = 1.0 / rows;
    for (i64 r = 0; r < rows; ++r) {
      double mx = -INFINITY, sum = 0;
      for (i64 c = 0; c < classes; ++c) mx = std::max(mx, (double)x[r * classes + c]);
      for (i64 c = 0; c < classes; ++c) sum += std::exp(x[r * classes + c] - mx);
      i64 l = (i64)labels[r];
      lw[r] = std::log(sum) + mx - x[r * classes + l];
      for (i64 c = 0; c < classes; ++c)
        gw[r * classes + c] = (std::exp(x[r * classes + c] - mx) / sum - (c == l)) * scale;
    }
    std::vector<T> loss(rows), grad(rows * classes);
    i64 err[4] = {0, 0, 0, 0};
    jg_emu_launch({2}, {64}, [&] {
      softmax_xent<T>(x.data(), labels.data(), rows, classes, loss.data(), grad.data(), (T)scale,
                      (const T *)0, err);
    });
    double t = sizeof(T) == 4 ? 1e-5 : 1e-12;
    expect_all("softmax_xent loss " + std::to_string(classes) + " " + name<T>(), lw, loss, t);
    expect_all("softmax_xent grad " + std::to_string(classes) + " " + name<T>(), gw, grad, t);
    expect("softmax_xent no error", err[0] == 0);
    // with the loss's own gradient: the gradient above times it, bit for bit (one more rounding,
    // as the separate multiply it replaces made)
    for (T up : {(T)1, (T)-0.37, (T)2.5e3}) {
      std::vector<T> scaled(rows * classes), loss2(rows);
      jg_emu_launch({2}, {64}, [&] {
        softmax_xent<T>(x.data(), labels.data(), rows, classes, loss2.data(), scaled.data(),
                        (T)scale, &up, err);
      });
      int differ = 0;
      for (i64 i = 0; i < rows * classes; ++i) {
        T want = grad[i] * up;
        differ += std::memcmp(&scaled[i], &want, sizeof(T)) != 0;
      }
      expect("softmax_xent upstream " + std::to_string(up) + " " + name<T>() + ": "
                 + std::to_string(differ) + " differ",
             differ == 0);
    }
    // the mean loss in one block: the rows' losses' mean, a warp per row (4 warps: rows wrap)
    double mean = 0;
    for (i64 r = 0; r < rows; ++r) mean += lw[r];
    mean /= rows;
    std::vector<T> out(1);
    jg_emu_launch({1}, {128}, [&] {
      softmax_xent_mean<T>(x.data(), labels.data(), rows, classes, out.data(), (T)(1.0 / rows),
                           err);
    });
    expect_all("softmax_xent_mean " + std::to_string(rows) + "x" + std::to_string(classes) + " "
                   + name<T>(), std::vector<double>{mean}, out, t);
    expect("softmax_xent_mean no error", err[0] == 0);
  }
  { // more rows than warps, classes beyond a warp, and a bad label: NaN and the error recorded
    i64 rows = 37, classes = 45;
    auto x = random_values<T>(rows * classes, 12, -8, 8);
    std::vector<int> labels(rows);
    for (i64 r = 0; r < rows; ++r) labels[r] = (int)((r * 11) % classes);
    double mean = 0;
    for (i64 r = 0; r < rows; ++r) {
      double mx = -INFINITY, sum = 0;
      for (i64 c = 0; c < classes; ++c) mx = std::max(mx, (double)x[r * classes + c]);
      for (i64 c = 0; c < classes; ++c) sum += std::exp(x[r * classes + c] - mx);
      mean += std::log(sum) + mx - x[r * classes + labels[r]];
    }
    mean /= rows;
    std::vector<T> out(1);
    i64 err[4] = {0, 0, 0, 0};
    jg_emu_launch({1}, {128}, [&] {
      softmax_xent_mean<T>(x.data(), labels.data(), rows, classes, out.data(), (T)(1.0 / rows),
                           err);
    });
    expect_all(std::string("softmax_xent_mean 37x45 ") + name<T>(), std::vector<double>{mean},
               out, sizeof(T) == 4 ? 1e-5 : 1e-12);
    expect("softmax_xent_mean 37x45 no error", err[0] == 0);
    labels[20] = (int)classes; // out of range
    jg_emu_launch({1}, {128}, [&] {
      softmax_xent_mean<T>(x.data(), labels.data(), rows, classes, out.data(), (T)(1.0 / rows),
                           err);
    });
    expect("softmax_xent_mean bad label: NaN", out[0] != out[0]);
    expect("softmax_xent_mean bad label recorded",
           err[0] == JG_PRIM_SOFTMAX_XENT && err[1] == 20 && err[2] == 45);
  }

  i64 rows = 7, cols = 9;
  auto x = random_values<T>(rows * cols, 10, -3, 3);
  auto bias = random_values<T>(cols, 11, -1, 1);
  for (int act : {JG_UNARY_IDENTITY, JG_UNARY_RELU, JG_UNARY_SIGMOID}) {
    std::vector<T> out(x.size());
    std::vector<double> want(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      want[i] = (double)(T)unary_ref(act, (double)(T)(x[i] + bias[i % cols]));
    }
    jg_emu_launch({2}, {32}, [&] { bias_act<T>(x.data(), bias.data(), out.data(), rows, cols, act); });
    expect_all("bias_act " + std::to_string(act) + " " + name<T>(), want, out, tol<T>());
  }

  // SGD, one parameter (jg_sgd) and a batch of them (jg_sgd_batch), through the launched entries
  // (the rate read from memory as a double), against the CPU's loop (FloatKernels.sgdUpdate) in
  // T, bit for bit: with and without momentum and weight decay.
  const double sgd_cases[][2] = {{0, 0}, {0.9, 0}, {0, 1e-4}, {0.9, 1e-4}};
  for (const auto &c : sgd_cases) {
    const double lr_d = 0.1;
    const T lr = (T)lr_d, m = (T)c[0], wd = (T)c[1];
    const bool momentum = c[0] != 0;
    const i64 sizes[] = {1, 7, 300, 1000, 65};
    const int count = 5;
    std::vector<std::vector<T>> p, g, v, pw, vw;
    for (int k = 0; k < count; ++k) {
      p.push_back(random_values<T>(sizes[k], 12 + k, -1, 1));
      g.push_back(random_values<T>(sizes[k], 22 + k, -1, 1));
      v.push_back(random_values<T>(sizes[k], 32 + k, -1, 1));
      pw.push_back(p[k]);
      vw.push_back(v[k]);
      for (i64 i = 0; i < sizes[k]; ++i) { // Java's float loop: each operation rounded to T
        T &pi = pw[k][i], &vi = vw[k][i];
        if (momentum) {
          vi = m * vi + g[k][i] + wd * pi;
          pi -= lr * vi;
        } else {
          pi -= lr * (g[k][i] + wd * pi);
        }
      }
    }
    std::string what = std::string(" momentum ") + std::to_string(c[0]) + " decay "
        + std::to_string(c[1]) + " " + name<T>();
    // One parameter: entry 3 (1000 entries, several grid-stride rounds of 2 x 64 threads).
    std::vector<T> p1 = p[3], v1 = v[3];
    jg_emu_launch({2}, {64}, [&] {
      if constexpr (sizeof(T) == 4) {
        jg_sgd_f32(p1.data(), g[3].data(), momentum ? v1.data() : nullptr, sizes[3], &lr_d, m, wd);
      } else {
        jg_sgd_f64(p1.data(), g[3].data(), momentum ? v1.data() : nullptr, sizes[3], &lr_d, m, wd);
      }
    });
    bool same = std::memcmp(p1.data(), pw[3].data(), sizes[3] * sizeof(T)) == 0
        && (!momentum || std::memcmp(v1.data(), vw[3].data(), sizes[3] * sizeof(T)) == 0);
    expect("sgd bit for bit" + what, same);
    // All five in one launch, each with up to 3 blocks of 32 threads (so some stride, as the
    // capped grids of large parameters do, and entry 0 has 31 idle threads).
    SgdBatch batch{};
    batch.count = count;
    int blocks = 0;
    for (int k = 0; k < count; ++k) {
      batch.param[k] = (unsigned long long)p[k].data();
      batch.grad[k] = (unsigned long long)g[k].data();
      batch.velocity[k] = momentum ? (unsigned long long)v[k].data() : 0;
      batch.n[k] = sizes[k];
      blocks += (int)std::min<i64>(3, (sizes[k] + 31) / 32);
      batch.block_end[k] = blocks;
    }
    jg_emu_launch({(unsigned)blocks}, {32}, [&] {
      if constexpr (sizeof(T) == 4) {
        jg_sgd_batch_f32(batch, &lr_d, m, wd);
      } else {
        jg_sgd_batch_f64(batch, &lr_d, m, wd);
      }
    });
    int differ = 0;
    for (int k = 0; k < count; ++k) {
      differ += std::memcmp(p[k].data(), pw[k].data(), sizes[k] * sizeof(T)) != 0;
      differ += momentum && std::memcmp(v[k].data(), vw[k].data(), sizes[k] * sizeof(T)) != 0;
    }
    expect("sgd_batch bit for bit" + what + ": " + std::to_string(differ) + " buffers differ",
           differ == 0);
  }

  // Adam: the primitives' operations in their order, each rounded to T, bit for bit.
  const int an = 1000; // several grid-stride rounds of 2 x 64 threads
  auto ap = random_values<T>(an, 15, -1, 1);
  auto ag = random_values<T>(an, 16, -1, 1);
  auto am = random_values<T>(an, 17, -1, 1);
  auto av = random_values<T>(an, 18, 0.01, 1);
  // the rate comes from device memory as a double, rounded to T as Java's (float) (-lrT) rounds
  const double lr_t = 0.0123456789012345678;
  T c1 = (T)(1 - 0.9), c2 = (T)(1 - 0.999), eps = (T)1e-7, step = (T)(-lr_t);
  std::vector<T> pw2(an), mw2(an), vw2(an);
  for (int i = 0; i < an; ++i) {
    T g = ag[i];
    T mi = am[i] + (g - am[i]) * c1; // T operations, each rounded (no fused multiply-add here)
    T vi = av[i] + (g * g - av[i]) * c2;
    mw2[i] = mi;
    vw2[i] = vi;
    pw2[i] = ap[i] + (mi / (std::sqrt(vi) + eps)) * step;
  }
  jg_emu_launch({2}, {64}, [&] {
    adam<T>(ap.data(), ag.data(), am.data(), av.data(), an, c1, c2, eps, &lr_t);
  });
  int differ = 0;
  for (int i = 0; i < an; ++i) {
    differ += std::memcmp(&ap[i], &pw2[i], sizeof(T)) != 0 || std::memcmp(&am[i], &mw2[i],
        sizeof(T)) != 0 || std::memcmp(&av[i], &vw2[i], sizeof(T)) != 0;
  }
  expect(std::string("adam bit for bit ") + name<T>() + ": " + std::to_string(differ) + " of "
             + std::to_string(an) + " entries differ",
         differ == 0);

  // AdamW: AdamW.update's primitive operations in their order, each rounded to T, bit for bit;
  // the bias root and the step read from memory as doubles and rounded to T there.
  auto wp = random_values<T>(an, 21, -1, 1);
  auto wm = random_values<T>(an, 22, -1, 1);
  auto wv = random_values<T>(an, 23, 0.01, 1);
  const double bias_root = 0.0447213595499957939, step_d = -0.0123456789012345678;
  const double decay_d = 1 - 0.001 * 0.01;
  T decay = (T)decay_d, weps = (T)1e-8, root = (T)bias_root, wstep = (T)step_d;
  std::vector<T> pw3(an), mw3(an), vw3(an);
  for (int i = 0; i < an; ++i) {
    T p = wp[i] * decay;
    T g = ag[i];
    T mi = wm[i] + (g - wm[i]) * c1;
    T vi = wv[i] + (g * g - wv[i]) * c2;
    mw3[i] = mi;
    vw3[i] = vi;
    pw3[i] = p + (mi / (std::sqrt(vi) / root + weps)) * wstep;
  }
  jg_emu_launch({2}, {64}, [&] {
    adamw<T>(wp.data(), ag.data(), wm.data(), wv.data(), an, c1, c2, weps, &decay_d, &bias_root,
             &step_d);
  });
  int wdiffer = 0;
  for (int i = 0; i < an; ++i) {
    wdiffer += std::memcmp(&wp[i], &pw3[i], sizeof(T)) != 0 || std::memcmp(&wm[i], &mw3[i],
        sizeof(T)) != 0 || std::memcmp(&wv[i], &vw3[i], sizeof(T)) != 0;
  }
  expect(std::string("adamw bit for bit ") + name<T>() + ": " + std::to_string(wdiffer) + " of "
             + std::to_string(an) + " entries differ",
         wdiffer == 0);

  // relu_grad: the CPU's loop (FloatKernels.reluGrad, a clamp of g to [-open, open] with Java's
  // min and max) bit for bit, special values in both operands: g where x > 0, +0 where x <= 0
  // even for an infinite or negative g (not g * 0), NaN where x or g is NaN.
  const T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
  std::vector<T> rx = random_values<T>(300, 19, -2, 2), rg = random_values<T>(300, 20, -2, 2);
  const T xs[] = {(T)0, -(T)0, nan, inf, -inf, std::numeric_limits<T>::denorm_min(), (T)-1e-30};
  const T gs[] = {(T)-3, inf, nan, (T)0, -(T)0, (T)2.5, -inf};
  for (int i = 0; i < 7; ++i) {
    for (int j = 0; j < 7; ++j) {
      rx.push_back(xs[i]);
      rg.push_back(gs[j]);
    }
  }
  const i64 rn = (i64)rx.size();
  std::vector<T> rout(rn), rwant(rn);
  // Java's HUGE, 2^MAX_EXPONENT
  const T huge = std::ldexp((T)1, std::numeric_limits<T>::max_exponent - 1);
  auto java_min = [](T a, T b) {
    return a != a ? a : (a == (T)0 && b == (T)0 && std::signbit(b)) ? b : (a <= b ? a : b);
  };
  auto java_max = [](T a, T b) {
    return a != a ? a : (a == (T)0 && b == (T)0 && std::signbit(a)) ? b : (a >= b ? a : b);
  };
  for (i64 i = 0; i < rn; ++i) {
    T st = rx[i] > (T)0 ? (T)1 : (rx[i] != rx[i] ? rx[i] : (T)0); // Java's step
    T open = st * huge * huge;
    rwant[i] = java_max(java_min(rg[i], open), (T)0 - open);
  }
  jg_emu_launch({2}, {64}, [&] { relu_grad<T>(rg.data(), rx.data(), rout.data(), rn); });
  int rdiffer = 0;
  for (i64 i = 0; i < rn; ++i) {
    bool both_nan = rout[i] != rout[i] && rwant[i] != rwant[i];
    rdiffer += !both_nan && std::memcmp(&rout[i], &rwant[i], sizeof(T)) != 0;
  }
  expect(std::string("relu_grad bit for bit ") + name<T>() + ": " + std::to_string(rdiffer)
             + " of " + std::to_string(rn) + " entries differ",
         rdiffer == 0);
}

// Adam and AdamW for five parameters in one launch (jg_adam_batch, jg_adamw_batch) against each
// parameter's own launch (jg_adam, jg_adamw), through the launched entries, bit for bit: in the
// batch each entry gets up to 3 blocks of 32 threads (so some stride, as the capped grids of large
// parameters do, and entry 0 has 31 idle threads); the single launches 2 blocks of 64.
template <typename T> static void test_adam_batch() {
  const double lr_t = 0.0123456789012345678, decay = 1 - 0.001 * 0.01;
  const double bias_root = 0.0447213595499957939, step = -0.0123456789012345678;
  const T c1 = (T)(1 - 0.9), c2 = (T)(1 - 0.999), eps = (T)1e-7;
  const i64 sizes[] = {1, 7, 300, 1000, 65};
  const int count = 5;
  for (bool adamw : {false, true}) {
    // [k][r]: entry k's param, grad, m and v; the batch's and, apart, the single launches'
    std::vector<std::vector<T>> batched[count], alone[count];
    for (int k = 0; k < count; ++k) {
      for (int r = 0; r < 4; ++r) {
        batched[k].push_back(random_values<T>(sizes[k], 40 + 4 * k + r, r == 3 ? 0.01 : -1, 1));
      }
      alone[k] = batched[k];
    }
    AdamBatch batch{};
    batch.count = count;
    int blocks = 0;
    for (int k = 0; k < count; ++k) {
      batch.param[k] = (unsigned long long)batched[k][0].data();
      batch.grad[k] = (unsigned long long)batched[k][1].data();
      batch.m[k] = (unsigned long long)batched[k][2].data();
      batch.v[k] = (unsigned long long)batched[k][3].data();
      batch.n[k] = sizes[k];
      blocks += (int)std::min<i64>(3, (sizes[k] + 31) / 32);
      batch.block_end[k] = blocks;
    }
    jg_emu_launch({(unsigned)blocks}, {32}, [&] {
      if constexpr (sizeof(T) == 4) {
        if (adamw) jg_adamw_batch_f32(batch, c1, c2, eps, &decay, &bias_root, &step);
        else jg_adam_batch_f32(batch, c1, c2, eps, &lr_t);
      } else {
        if (adamw) jg_adamw_batch_f64(batch, c1, c2, eps, &decay, &bias_root, &step);
        else jg_adam_batch_f64(batch, c1, c2, eps, &lr_t);
      }
    });
    int differ = 0;
    for (int k = 0; k < count; ++k) {
      T *p = alone[k][0].data(), *g = alone[k][1].data(), *m = alone[k][2].data();
      T *v = alone[k][3].data();
      jg_emu_launch({2}, {64}, [&] {
        if constexpr (sizeof(T) == 4) {
          if (adamw) jg_adamw_f32(p, g, m, v, sizes[k], c1, c2, eps, &decay, &bias_root, &step);
          else jg_adam_f32(p, g, m, v, sizes[k], c1, c2, eps, &lr_t);
        } else {
          if (adamw) jg_adamw_f64(p, g, m, v, sizes[k], c1, c2, eps, &decay, &bias_root, &step);
          else jg_adam_f64(p, g, m, v, sizes[k], c1, c2, eps, &lr_t);
        }
      });
      for (int r = 0; r < 4; ++r) {
        differ += std::memcmp(batched[k][r].data(), alone[k][r].data(), sizes[k] * sizeof(T)) != 0;
      }
      differ += alone[k][0] == batched[k][0] && alone[k][0] == random_values<T>(sizes[k],
          40 + 4 * k, -1, 1); // the update ran at all
    }
    expect(std::string(adamw ? "adamw" : "adam") + "_batch bit for bit " + name<T>() + ": "
               + std::to_string(differ) + " buffers differ or were not updated",
           differ == 0);
  }
}

// ---- convolution: im2col, col2im and the NCHW permutes around the GEMMs ------------------

struct ConvCase {
  i64 n, c, h, w, f, kh, kw, sh, sw, ph, pw;
};

// Each kernel over one chunk of samples [s0, s0 + ns): results outside the chunk must keep
// their sentinel, so a chunk writes only its own samples.
template <typename T> static void test_conv_chunk(const ConvCase &k, i64 s0, i64 ns) {
  const i64 n = k.n, c = k.c, h = k.h, w = k.w, f = k.f, kh = k.kh, kw = k.kw, sh = k.sh,
            sw = k.sw, ph = k.ph, pw = k.pw;
  const i64 oh = (h + 2 * ph - kh) / sh + 1, ow = (w + 2 * pw - kw) / sw + 1;
  const i64 plane = oh * ow, rows = c * kh * kw, width = ns * plane;
  const std::string what = " n" + std::to_string(n) + " c" + std::to_string(c) + " " +
                           std::to_string(h) + "x" + std::to_string(w) + " k" +
                           std::to_string(kh) + "x" + std::to_string(kw) + " s" +
                           std::to_string(sh) + "," + std::to_string(sw) + " p" +
                           std::to_string(ph) + "," + std::to_string(pw) + " chunk " +
                           std::to_string(s0) + "+" + std::to_string(ns) + " " + name<T>();
  auto at = [&](i64 s, i64 ch, i64 y, i64 xx) { return ((s * c + ch) * h + y) * w + xx; };

  auto x = random_values<T>(n * c * h * w, 40, -2, 2);
  // every entry of cols: its index and the input entry it reads (-1 for padding)
  auto each_col = [&](auto body) {
    for (i64 ch = 0; ch < c; ++ch)
      for (i64 i = 0; i < kh; ++i)
        for (i64 j = 0; j < kw; ++j)
          for (i64 s = 0; s < ns; ++s)
            for (i64 oy = 0; oy < oh; ++oy)
              for (i64 ox = 0; ox < ow; ++ox) {
                i64 y = oy * sh - ph + i, xx = ox * sw - pw + j;
                bool in = y >= 0 && y < h && xx >= 0 && xx < w;
                body(((ch * kh + i) * kw + j) * width + (s * oh + oy) * ow + ox,
                     in ? at(s0 + s, ch, y, xx) : (i64)-1);
              }
  };
  std::vector<double> cols_want(rows * width);
  each_col([&](i64 e, i64 src) { cols_want[e] = src < 0 ? 0 : (double)x[src]; });
  std::vector<T> cols(rows * width, (T)9);
  jg_emu_launch({3}, {64}, [&] {
    im2col<T>(x.data(), cols.data(), s0, ns, n, c, h, w, f, kh, kw, sh, sw, ph, pw, oh, ow);
  });
  expect_all("im2col" + what, cols_want, cols, 0);

  // col2im is im2col's adjoint: every cols entry goes back to the input entry it came from
  auto dcols = random_values<T>(rows * width, 41, -1, 1);
  std::vector<double> dx_want(n * c * h * w, 7);
  for (i64 s = s0; s < s0 + ns; ++s)
    for (i64 ch = 0; ch < c; ++ch)
      for (i64 y = 0; y < h; ++y)
        for (i64 xx = 0; xx < w; ++xx) dx_want[at(s, ch, y, xx)] = 0;
  each_col([&](i64 e, i64 src) {
    if (src >= 0) dx_want[src] += dcols[e];
  });
  std::vector<T> dx(n * c * h * w, (T)7);
  jg_emu_launch({2}, {96}, [&] {
    col2im<T>(dcols.data(), dx.data(), s0, ns, n, c, h, w, f, kh, kw, sh, sw, ph, pw, oh, ow);
  });
  expect_all("col2im" + what, dx_want, dx, tol<T>());

  // to_nchw (with and without bias) and from_nchw, between [f, ns * plane] and [n, f, plane]
  auto prod = random_values<T>(f * width, 42, -1, 1);
  auto bias = random_values<T>(f, 43, -1, 1);
  for (bool with_bias : {true, false}) {
    std::vector<double> want(n * f * plane, 5);
    for (i64 s = 0; s < ns; ++s)
      for (i64 fo = 0; fo < f; ++fo)
        for (i64 p = 0; p < plane; ++p)
          want[((s0 + s) * f + fo) * plane + p] =
              (double)(T)(prod[(fo * ns + s) * plane + p] + (with_bias ? bias[fo] : (T)0));
    std::vector<T> out(n * f * plane, (T)5);
    jg_emu_launch({2}, {32}, [&] {
      to_nchw<T>(prod.data(), with_bias ? bias.data() : nullptr, out.data(), s0, ns, f, plane);
    });
    expect_all(std::string("to_nchw") + (with_bias ? " bias" : "") + what, want, out, 0);
  }
  auto g = random_values<T>(n * f * plane, 44, -1, 1);
  std::vector<double> perm_want(f * width);
  for (i64 fo = 0; fo < f; ++fo)
    for (i64 s = 0; s < ns; ++s)
      for (i64 p = 0; p < plane; ++p)
        perm_want[(fo * ns + s) * plane + p] = g[((s0 + s) * f + fo) * plane + p];
  std::vector<T> perm(f * width, (T)3);
  jg_emu_launch({1}, {64}, [&] { from_nchw<T>(g.data(), perm.data(), s0, ns, f, plane); });
  expect_all("from_nchw" + what, perm_want, perm, 0);
}

template <typename T> static void test_conv() {
  // stride 1 and 2, padding 0, 1 and 2, square and non-square kernels (and a 1x1), C = 1 and
  // C = 3, N = 1 and N = 3
  const ConvCase cases[] = {
      {1, 1, 5, 5, 2, 3, 3, 1, 1, 0, 0}, {3, 3, 7, 6, 4, 3, 2, 2, 1, 1, 1},
      {3, 1, 6, 7, 2, 2, 3, 2, 2, 2, 1}, {1, 3, 4, 5, 3, 5, 3, 1, 2, 2, 2},
      {3, 3, 5, 5, 2, 1, 1, 2, 2, 0, 0}, {3, 1, 8, 8, 3, 3, 3, 2, 2, 1, 1},
  };
  for (const ConvCase &k : cases) {
    test_conv_chunk<T>(k, 0, k.n); // the whole batch at once
    if (k.n > 1) {
      test_conv_chunk<T>(k, 1, k.n - 1); // a chunk that does not start at sample 0
      test_conv_chunk<T>(k, k.n - 1, 1);
    }
  }
}

// ---- convert: Java's casts, to INT32 toward zero, NaN to 0, saturating --------------------

template <typename T> static void test_convert() {
  std::vector<T> src = {(T)2.7, (T)-2.7, (T)NAN, (T)1e10, (T)-1e10, (T)16777216, (T)-0.0};
  std::vector<int> ints(src.size(), 7);
  jg_emu_launch({1}, {32}, [&] { convert<T>(src.data(), ints.data(), (i64)src.size(), 2); });
  expect_all(std::string("convert to INT32 ") + name<T>(),
             {2, -2, 0, 2147483647.0, -2147483648.0, 16777216, 0}, ints, 0);
  std::vector<int> big = {16777217, -5, 2147483647};
  std::vector<T> back(big.size());
  jg_emu_launch({1}, {32}, [&] {
    convert<int>(big.data(), back.data(), (i64)big.size(), sizeof(T) == 4 ? 0 : 1);
  });
  expect_all(std::string("convert from INT32 ") + name<T>(),
             {(double)(T)16777217, -5, (double)(T)2147483647}, back, 0);
}

// ---- UINT8 (stored pixels): moved by their own 1-byte entries, converted both ways ----------

typedef unsigned char u8;

// Java's (int) cast then (byte), read back as unsigned: the low 8 bits of the saturating cast.
static int to_u8_ref(double v) {
  long long k = std::isnan(v) ? 0 : v >= 2147483647.0 ? 2147483647LL
                                   : v <= -2147483648.0 ? -2147483648LL : (long long)v;
  return (int)(k & 0xFF);
}

template <typename T> static void test_convert_to_u8() {
  std::vector<T> src = {(T)0,     (T)255,   (T)2.7,  (T)-2.7, (T)-1,   (T)-0.5, (T)255.9,
                        (T)256,   (T)300.5, (T)-300, (T)NAN,  (T)1e10, (T)-1e10, (T)-0.0,
                        (T)INFINITY, (T)-INFINITY, (T)128, (T)1e30};
  std::vector<double> want(src.size());
  for (size_t i = 0; i < src.size(); ++i) want[i] = to_u8_ref((double)src[i]);
  // spot checks of the reference itself against Java's results
  expect("to_u8_ref", to_u8_ref(-1) == 255 && to_u8_ref(256) == 0 && to_u8_ref(300.5) == 44 &&
                          to_u8_ref(-300) == 212 && to_u8_ref(NAN) == 0 &&
                          to_u8_ref(1e10) == 255 && to_u8_ref(-1e10) == 0 &&
                          to_u8_ref(-0.5) == 0 && to_u8_ref(255.9) == 255);
  std::vector<u8> bytes(src.size() + 3, (u8)77); // the bytes past n stay untouched
  jg_emu_launch({1}, {8}, [&] {
    convert<T>(src.data(), bytes.data(), (i64)src.size(), JG_DTYPE_UINT8);
  });
  expect_all(std::string("convert to UINT8 ") + name<T>(), want,
             std::vector<u8>(bytes.begin(), bytes.begin() + src.size()), 0);
  expect(std::string("convert to UINT8 writes n bytes ") + name<T>(),
         bytes[src.size()] == 77 && bytes[src.size() + 2] == 77);
}

static void test_u8() {
  test_convert_to_u8<float>();
  test_convert_to_u8<double>();
  std::vector<int> ints = {0, 255, 256, -1, -256, 511, 2147483647, -2147483647 - 1, 1000};
  std::vector<double> iwant(ints.size());
  for (size_t i = 0; i < ints.size(); ++i) iwant[i] = to_u8_ref(ints[i]);
  std::vector<u8> ib(ints.size());
  jg_emu_launch({2}, {4}, [&] {
    convert<int>(ints.data(), ib.data(), (i64)ints.size(), JG_DTYPE_UINT8);
  });
  expect_all("convert INT32 to UINT8", iwant, ib, 0);

  // from UINT8: exact, every value 0..255, to each dtype (UINT8 to UINT8 too)
  std::vector<u8> all(256);
  std::vector<double> allw(256);
  for (int v = 0; v < 256; ++v) all[v] = (u8)(255 - v), allw[v] = 255 - v;
  std::vector<float> f(256, -1);
  std::vector<double> d(256, -1);
  std::vector<int> k(256, -1);
  std::vector<u8> b(256, 0);
  jg_emu_launch({3}, {32}, [&] { convert<u8>(all.data(), f.data(), 256, JG_DTYPE_FLOAT32); });
  jg_emu_launch({3}, {32}, [&] { convert<u8>(all.data(), d.data(), 256, JG_DTYPE_FLOAT64); });
  jg_emu_launch({3}, {32}, [&] { convert<u8>(all.data(), k.data(), 256, JG_DTYPE_INT32); });
  jg_emu_launch({3}, {32}, [&] { convert<u8>(all.data(), b.data(), 256, JG_DTYPE_UINT8); });
  expect_all("convert UINT8 to FLOAT32", allw, f, 0);
  expect_all("convert UINT8 to FLOAT64", allw, d, 0);
  expect_all("convert UINT8 to INT32", allw, k, 0);
  expect_all("convert UINT8 to UINT8", allw, b, 0);

  // the moving kernels on bytes, many with the high bit set (sign-extension bugs)
  std::vector<u8> src(60);
  for (int i = 0; i < 60; ++i) src[i] = (u8)(250 - 7 * i);
  test_moves<u8>(src, "u8");
}

// ---- gemm ----------------------------------------------------------------------------------

// cuBLAS's column-major strided-batched GEMM (alpha 1, beta 0), each output one fused
// multiply-add chain over p in order: what gemm.cu promises, bit for bit.
template <typename T> static void test_gemm() {
  struct Case { int ta, tb, m, n, k, batch; i64 pad, strideA, strideB; unsigned gy, gz; };
  // partial tiles and slices, exact tiles, 1 x 1, a shared operand (stride 0), leading
  // dimensions past the minimum, and grids smaller than the tiles and the batch (the loops)
  const Case cases[] = {{0, 0, 70, 90, 37, 1, 0, -1, -1, 0, 0}, {1, 0, 70, 90, 37, 1, 0, -1, -1, 0, 0},
                        {0, 1, 70, 90, 37, 1, 0, -1, -1, 0, 0}, {1, 1, 33, 65, 17, 1, 3, -1, -1, 1, 0},
                        {0, 0, 64, 64, 16, 1, 0, -1, -1, 0, 0}, {0, 0, 1, 1, 1, 1, 0, -1, -1, 0, 0},
                        {1, 0, 5, 130, 50, 3, 2, -1, 0, 1, 2}, {0, 1, 100, 10, 3, 4, 0, 0, -1, 0, 3}};
  for (const Case &c : cases) {
    i64 lda = (c.ta ? c.k : c.m) + c.pad, ldb = (c.tb ? c.n : c.k) + c.pad, ldc = c.m + c.pad;
    i64 sizeA = lda * (c.ta ? c.m : c.k), sizeB = ldb * (c.tb ? c.k : c.n);
    i64 strideA = c.strideA < 0 ? sizeA + 5 : c.strideA, strideB = c.strideB < 0 ? sizeB : c.strideB;
    i64 strideC = ldc * c.n + 1;
    auto a = random_values<T>(strideA * (c.batch - 1) + sizeA, 31 + c.m, -2, 2);
    auto b = random_values<T>(strideB * (c.batch - 1) + sizeB, 37 + c.n, -2, 2);
    a[0] = (T)NAN; // one NaN and one infinity reach some outputs: they must spread as the chain says
    b[sizeB - 1] = (T)INFINITY;
    std::vector<T> out(strideC * c.batch, (T)-7), want(out.size(), (T)-7);
    for (int z = 0; z < c.batch; ++z) {
      for (int j = 0; j < c.n; ++j) {
        for (int i = 0; i < c.m; ++i) {
          T acc = 0;
          for (int p = 0; p < c.k; ++p) {
            T x = a[z * strideA + (c.ta ? p + i * lda : i + p * lda)];
            T y = b[z * strideB + (c.tb ? j + p * ldb : p + j * ldb)];
            acc = std::fma(x, y, acc);
          }
          want[z * strideC + i + j * ldc] = acc;
        }
      }
    }
    dim3 grid{(unsigned)((c.m + 63) / 64), c.gy ? c.gy : (unsigned)((c.n + 63) / 64),
              c.gz ? c.gz : (unsigned)c.batch};
    jg_emu_launch(grid, {16, 16}, [&] {
      gemm<T>(c.ta, c.tb, c.m, c.n, c.k, a.data(), lda, strideA, b.data(), ldb, strideB,
              out.data(), ldc, strideC, c.batch);
    });
    std::vector<double> wanted(want.begin(), want.end());
    expect_all("gemm " + std::string(name<T>()) + " ta " + std::to_string(c.ta) + " tb " +
                   std::to_string(c.tb) + " " + std::to_string(c.m) + "x" + std::to_string(c.n) +
                   "x" + std::to_string(c.k) + " batch " + std::to_string(c.batch),
               wanted, out, 0);
  }
}

int main() {
  test_convert<float>();
  test_convert<double>();
  test_u8();
  test_elementwise<float>();
  test_elementwise<double>();
  test_broadcast<float>();
  test_broadcast<double>();
  test_reduce<float>();
  test_reduce<double>();
  test_layout<float>();
  test_layout<double>();
  test_fused<float>();
  test_fused<double>();
  test_adam_batch<float>();
  test_adam_batch<double>();
  test_conv<float>();
  test_conv<double>();
  test_gemm<float>();
  test_gemm<double>();
  std::printf("%d checks, %d failed\n%s\n", checks, failures, failures == 0 ? "ALL OK" : "FAILED");
  return failures == 0 ? 0 : 1;
}
