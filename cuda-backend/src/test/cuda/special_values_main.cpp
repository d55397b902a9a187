// Runs CUDA kernels of src/main/cuda on the emulator (cuda_emulator.h) for inputs read from
// stdin, and prints their outputs, so that SpecialValueEmulationTest can hold them to the CPU
// backend's results for NaN, infinities, zeros of both signs and values that overflow.
//
// One case a line (from the file named by the first argument, else stdin), every number after the dtype as raw bits in hex (f32: 32-bit, f64: 64-bit;
// ints in decimal where marked):
//   unary    DT op n x...
//   scalar   DT op s n a...
//   binary   DT op n a... b...
//   reduce   DT op kernel outer axis inner x...      (kernel 0 cols, 1 rows, 2 tiled; decimal)
//   biasact  DT act rows cols x... bias...
//   relugrad DT n g... x...
//   xent     DT rows classes scale upstream(or "-") label(decimal)... logits...
//   xentmean DT rows classes inv_rows label(decimal)... logits...
//   convert  DT to n x...                         (to: a JG_DTYPE_ code; ints out in decimal)
//   sgd      DT momentum(0/1) lr momentum wd n p... g... v...   -> p, then v
//   adam     DT c1 c2 eps lr_t(f64 bits) n p... g... m... v...  -> p, m, v
//   pool     DT max n c h w kh kw sh sw ph pw x... g...   (max 1: max pooling, 0: average; the
//            sizes decimal; g is the output's gradient) -> the output, then x's gradient
// One line out per case: the outputs in hex bits (ARGMAX's in decimal), xent's losses then its
// gradient.
#include "cuda_emulator.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "conv.cu"
#include "elementwise.cu"
#include "fused.cu"
#include "layout.cu"
#include "reduce.cu"

template <typename T> static T read_value(std::istream &in) {
  std::string s;
  in >> s;
  unsigned long long bits = std::stoull(s, nullptr, 16);
  T v;
  if constexpr (sizeof(T) == 4) {
    unsigned int b = (unsigned int)bits;
    std::memcpy(&v, &b, 4);
  } else {
    std::memcpy(&v, &bits, 8);
  }
  return v;
}

template <typename T> static std::vector<T> read_values(std::istream &in, i64 n) {
  std::vector<T> v(n);
  for (auto &x : v) x = read_value<T>(in);
  return v;
}

template <typename T> static void print_values(const std::vector<T> &v) {
  for (T x : v) {
    if constexpr (sizeof(T) == 4) {
      unsigned int b;
      std::memcpy(&b, &x, 4);
      std::printf(" %x", b);
    } else {
      unsigned long long b;
      std::memcpy(&b, &x, 8);
      std::printf(" %llx", b);
    }
  }
}

template <typename T> static void run_case(const std::string &kind, std::istream &in) {
  if (kind == "unary") {
    int op;
    i64 n;
    in >> op >> n;
    std::vector<T> x = read_values<T>(in, n), out(n);
    jg_emu_launch({2}, {64}, [&] { unary<T>(x.data(), out.data(), n, op); });
    print_values(out);
  } else if (kind == "scalar") {
    int op;
    in >> op;
    T s = read_value<T>(in);
    i64 n;
    in >> n;
    std::vector<T> a = read_values<T>(in, n), out(n);
    jg_emu_launch({2}, {64}, [&] { scalar<T>(a.data(), s, out.data(), n, op); });
    print_values(out);
  } else if (kind == "binary") {
    int op;
    i64 n;
    in >> op >> n;
    std::vector<T> a = read_values<T>(in, n), b = read_values<T>(in, n), out(n);
    jg_emu_launch({2}, {64}, [&] { binary<T>(a.data(), b.data(), out.data(), n, op); });
    print_values(out);
  } else if (kind == "reduce") {
    int op, kernel;
    i64 outer, axis, inner;
    in >> op >> kernel >> outer >> axis >> inner;
    std::vector<T> x = read_values<T>(in, outer * axis * inner);
    std::vector<T> out(outer * inner);
    std::vector<int> idx(outer * inner);
    void *o = op == JG_REDUCE_ARGMAX ? (void *)idx.data() : (void *)out.data();
    jg_emu_launch({2}, kernel == 2 ? dim3{32, 8} : dim3{64}, [&] {
      if (kernel == 0) reduce_cols<T>(x.data(), o, outer, axis, inner, op);
      else if (kernel == 1) reduce_rows<T>(x.data(), o, outer, axis, inner, op);
      else reduce_tiled<T>(x.data(), o, outer, axis, inner, op);
    });
    if (op == JG_REDUCE_ARGMAX) {
      for (int v : idx) std::printf(" %d", v);
    } else {
      print_values(out);
    }
  } else if (kind == "biasact") {
    int act;
    i64 rows, cols;
    in >> act >> rows >> cols;
    std::vector<T> x = read_values<T>(in, rows * cols), bias = read_values<T>(in, cols);
    std::vector<T> out(rows * cols);
    jg_emu_launch({2}, {64}, [&] { bias_act<T>(x.data(), bias.data(), out.data(), rows, cols, act); });
    print_values(out);
  } else if (kind == "relugrad") {
    i64 n;
    in >> n;
    std::vector<T> g = read_values<T>(in, n), x = read_values<T>(in, n), out(n);
    jg_emu_launch({2}, {64}, [&] { relu_grad<T>(g.data(), x.data(), out.data(), n); });
    print_values(out);
  } else if (kind == "xent" || kind == "xentmean") {
    bool mean = kind == "xentmean";
    i64 rows, classes;
    in >> rows >> classes;
    T scale = read_value<T>(in);
    std::vector<T> upstream;
    if (!mean) {
      std::string s;
      in >> s;
      if (s != "-") {
        std::istringstream one(s);
        upstream.push_back(read_value<T>(one));
      }
    }
    std::vector<int> labels(rows);
    for (auto &l : labels) in >> l;
    std::vector<T> logits = read_values<T>(in, rows * classes);
    std::vector<i64> err(4, 0);
    if (mean) {
      std::vector<T> out(1);
      jg_emu_launch({1}, {128}, [&] {
        softmax_xent_mean<T>(logits.data(), labels.data(), rows, classes, out.data(), scale,
                             err.data());
      });
      print_values(out);
    } else {
      std::vector<T> loss(rows), grad(rows * classes);
      jg_emu_launch({2}, {64}, [&] {
        softmax_xent<T>(logits.data(), labels.data(), rows, classes, loss.data(), grad.data(),
                        scale, upstream.empty() ? nullptr : upstream.data(), err.data());
      });
      print_values(loss);
      print_values(grad);
    }
  } else if (kind == "pool") {
    int max;
    i64 n, c, h, w, kh, kw, sh, sw, ph, pw;
    in >> max >> n >> c >> h >> w >> kh >> kw >> sh >> sw >> ph >> pw;
    i64 oh = (h + 2 * ph - kh) / sh + 1, ow = (w + 2 * pw - kw) / sw + 1;
    std::vector<T> x = read_values<T>(in, n * c * h * w), g = read_values<T>(in, n * c * oh * ow);
    std::vector<T> out(n * c * oh * ow), dx(n * c * h * w);
    jg_emu_launch({2}, {64}, [&] {
      if (max) max_pool<T>(x.data(), out.data(), n, c, h, w, c, kh, kw, sh, sw, ph, pw, oh, ow);
      else avg_pool<T>(x.data(), out.data(), n, c, h, w, c, kh, kw, sh, sw, ph, pw, oh, ow);
    });
    jg_emu_launch({2}, {64}, [&] {
      if (max) {
        max_pool_dx<T>(x.data(), g.data(), dx.data(), n, c, h, w, c, kh, kw, sh, sw, ph, pw, oh,
                       ow);
      } else {
        avg_pool_dx<T>(g.data(), dx.data(), n, c, h, w, c, kh, kw, sh, sw, ph, pw, oh, ow);
      }
    });
    print_values(out);
    print_values(dx);
  } else if (kind == "convert") {
    int to;
    i64 n;
    in >> to >> n;
    std::vector<T> x = read_values<T>(in, n);
    std::vector<float> f(n);
    std::vector<double> d(n);
    std::vector<int> i32(n);
    std::vector<unsigned char> u8(n);
    void *dst = to == JG_DTYPE_FLOAT32 ? (void *)f.data()
        : to == JG_DTYPE_FLOAT64 ? (void *)d.data()
        : to == JG_DTYPE_INT32 ? (void *)i32.data() : (void *)u8.data();
    jg_emu_launch({2}, {64}, [&] { convert<T>(x.data(), dst, n, to); });
    if (to == JG_DTYPE_FLOAT32) print_values(f);
    else if (to == JG_DTYPE_FLOAT64) print_values(d);
    else if (to == JG_DTYPE_INT32) for (int v : i32) std::printf(" %d", v);
    else for (unsigned char v : u8) std::printf(" %d", (int)v);
  } else if (kind == "sgd") {
    int momentum_state;
    in >> momentum_state;
    T lr = read_value<T>(in), momentum = read_value<T>(in), wd = read_value<T>(in);
    i64 n;
    in >> n;
    std::vector<T> p = read_values<T>(in, n), g = read_values<T>(in, n), v = read_values<T>(in, n);
    jg_emu_launch({2}, {64}, [&] {
      sgd<T>(p.data(), g.data(), momentum_state ? v.data() : nullptr, n, lr, momentum, wd);
    });
    print_values(p);
    print_values(v);
  } else if (kind == "adam") {
    T c1 = read_value<T>(in), c2 = read_value<T>(in), eps = read_value<T>(in);
    double lr_t = read_value<double>(in);
    i64 n;
    in >> n;
    std::vector<T> p = read_values<T>(in, n), g = read_values<T>(in, n), m = read_values<T>(in, n),
                   v = read_values<T>(in, n);
    jg_emu_launch({2}, {64}, [&] { adam<T>(p.data(), g.data(), m.data(), v.data(), n, c1, c2, eps, &lr_t); });
    print_values(p);
    print_values(m);
    print_values(v);
  } else {
    std::printf(" unknown case %s", kind.c_str());
  }
}

int main(int argc, char **argv) {
  std::ifstream file;
  if (argc > 1) file.open(argv[1]);
  std::istream &cases = argc > 1 ? (std::istream &)file : std::cin;
  std::string line;
  while (std::getline(cases, line)) {
    if (line.empty()) continue;
    std::istringstream in(line);
    std::string kind, dtype;
    in >> kind >> dtype;
    std::printf("%s", kind.c_str());
    if (dtype == "f32") run_case<float>(kind, in);
    else run_case<double>(kind, in);
    std::printf("\n");
  }
  return 0;
}
