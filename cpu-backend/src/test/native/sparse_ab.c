/*
 * Side-by-side C harness for the sparse kernels (not built by Maven): an old and a new
 * sparse_kernels.c, each compiled with its own suffix, timed on the same MNIST batches of 100,
 * X W1 (784x100) and X^T dH (100x100) over lists built ahead as in the training step, and listed
 * on the fly; each call times old and new back to back in alternating order; median per round.
 * Checks first that both give the same bits. Written for the IEEE change (docs/benchmarks.md,
 * "IEEE products from the sparse kernel"), whose new mm_lists takes k and `uses`:
 *
 *   python3 -c "import gzip; open('train.raw','wb').write(gzip.open('examples/mnist/src/main/resources/mnist/train-images-idx3-ubyte.gz').read()[16:])"
 *   git show OLD:cpu-backend/src/main/native/jgrad-cpu/sparse_kernels.c > old_sparse_kernels.c  # beside vectors.h
 *   F="-O3 -march=x86-64-v4"; gcc $F -DSUFFIX=_old -c old_sparse_kernels.c -o old.o
 *   gcc $F -DSUFFIX=_new -c cpu-backend/src/main/native/jgrad-cpu/sparse_kernels.c -o new.o
 *   gcc -O2 -march=x86-64-v4 sparse_ab.c old.o new.o -lm -o sparse_ab && ./sparse_ab 11
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#define V(s) void jg_sparse_init##s(void); \
 void jg_sparse_count##s(int, int, const float *, size_t, int *, int *); \
 void jg_sparse_lists##s(int, int, const float *, size_t, const int *, int *, float *, size_t, const int *, int *, int *, float *); \
 void jg_sparse_mm##s(int, int, int, const float *, size_t, const float *, size_t, float *, size_t, int *, float *); \
 void jg_sparse_mm_ta##s(int, int, int, const float *, size_t, const float *, size_t, float *, size_t, int *, int *, float *);
V(_old) V(_new)
void jg_sparse_mm_lists_old(int, int, const int *, const int *, const int *, const float *, const float *, size_t, float *, size_t);
void jg_sparse_mm_lists_new(int, int, int, const int *, const int *, const int *, const float *, const int *, const float *, size_t, float *, size_t);

enum { B = 100, K = 784, H = 100, NB = 80 };
typedef struct { int rs[B], rc[B], cs[K], cc[K]; int *ri, *ci; float *rv, *cv; } lists;
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e9 + t.tv_nsec; }
static int cmp(const void *a, const void *b) { double x = *(double *) a, y = *(double *) b; return (x > y) - (x < y); }
static float gauss(void) { double u = (rand() + 1.0) / (RAND_MAX + 2.0), v = rand() / (RAND_MAX + 1.0); return (float) (sqrt(-2 * log(u)) * cos(2 * M_PI * v)); }

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 5;
  FILE *f = fopen("train.raw", "rb");
  unsigned char *px = malloc(8000 * K);
  if (fread(px, 1, 8000 * K, f) != 8000 * K) return 1;
  fclose(f);
  jg_sparse_init_old();
  jg_sparse_init_new();
  srand(1);
  float *x = malloc(sizeof(float) * NB * B * K);
  for (int i = 0; i < NB * B; i++) { int img = rand() % 8000; for (int p = 0; p < K; p++) x[(size_t) i * K + p] = px[img * K + p] / 255.0f; }
  float *w1 = malloc(sizeof(float) * K * H), *dh = malloc(sizeof(float) * B * H);
  for (int i = 0; i < K * H; i++) w1[i] = 0.05f * gauss();
  for (int i = 0; i < B * H; i++) dh[i] = (rand() & 1) ? 0.01f * gauss() : 0.0f;
  lists *L = calloc(NB, sizeof(lists));
  for (int t = 0; t < NB; t++) {
    const float *a = x + (size_t) t * B * K;
    jg_sparse_count_new(B, K, a, K, L[t].rc, L[t].cc);
    int tot = 0; for (int i = 0; i < B; i++) { L[t].rs[i] = tot; tot += L[t].rc[i]; }
    int pad = 0; for (int p = 0; p < K; p++) { L[t].cs[p] = pad; pad += L[t].cc[p] + 8; }
    L[t].ri = malloc(sizeof(int) * (tot + 8)); L[t].rv = malloc(sizeof(float) * (tot + 8));
    L[t].ci = malloc(sizeof(int) * pad); L[t].cv = malloc(sizeof(float) * pad);
    jg_sparse_lists_new(B, K, a, K, L[t].rs, L[t].ri, L[t].rv, (size_t) tot + 8, L[t].cs, L[t].cc, L[t].ci, L[t].cv);
  }
  float *out = malloc(sizeof(float) * K * H), *out2 = malloc(sizeof(float) * K * H);
  int *cnt = malloc(sizeof(int) * K); int *idx = malloc(sizeof(int) * K * (B + 8)); float *val = malloc(sizeof(float) * K * (B + 8));
  /* the same bits, old and new */
  for (int t = 0; t < NB; t++) {
    jg_sparse_mm_lists_old(B, H, L[t].rs, L[t].rc, L[t].ri, L[t].rv, w1, H, out, H);
    jg_sparse_mm_lists_new(B, H, K, L[t].rs, L[t].rc, L[t].ri, L[t].rv, L[t].cc, w1, H, out2, H);
    if (memcmp(out, out2, sizeof(float) * B * H)) { printf("X W1 differs\n"); return 1; }
    jg_sparse_mm_lists_old(K, H, L[t].cs, L[t].cc, L[t].ci, L[t].cv, dh, H, out, H);
    jg_sparse_mm_lists_new(K, H, B, L[t].cs, L[t].cc, L[t].ci, L[t].cv, L[t].rc, dh, H, out2, H);
    if (memcmp(out, out2, sizeof(float) * K * H)) { printf("XT dH differs\n"); return 1; }
  }
  const char *names[] = {"X W1 lists", "XT dH lists", "X W1 on the fly", "XT dH on the fly"};
  enum { CALLS = 4 * NB };
  static double t[4][2][64 * CALLS];
  int nt[4][2] = {{0}};
  /* each call times old and new back to back, in alternating order; medians per round */
  for (int r = 0; r < rounds; r++) {
    for (int c = 0; c < CALLS; c++) {
      int b = c % NB; const float *a = x + (size_t) b * B * K; lists *l = &L[b];
      for (int o = 0; o < 2; o++) {
        int v = (c + o) & 1;
        double t0 = now();
        if (v == 0) jg_sparse_mm_lists_old(B, H, l->rs, l->rc, l->ri, l->rv, w1, H, out, H);
        else jg_sparse_mm_lists_new(B, H, K, l->rs, l->rc, l->ri, l->rv, l->cc, w1, H, out, H);
        double t1 = now();
        if (v == 0) jg_sparse_mm_lists_old(K, H, l->cs, l->cc, l->ci, l->cv, dh, H, out, H);
        else jg_sparse_mm_lists_new(K, H, B, l->cs, l->cc, l->ci, l->cv, l->rc, dh, H, out, H);
        double t2 = now();
        if (v == 0) jg_sparse_mm_old(B, H, K, a, K, w1, H, out, H, idx, val);
        else jg_sparse_mm_new(B, H, K, a, K, w1, H, out, H, idx, val);
        double t3 = now();
        if (v == 0) jg_sparse_mm_ta_old(K, H, B, a, K, dh, H, out, H, cnt, idx, val);
        else jg_sparse_mm_ta_new(K, H, B, a, K, dh, H, out, H, cnt, idx, val);
        double t4 = now();
        t[0][v][nt[0][v]++] = t1 - t0; t[1][v][nt[1][v]++] = t2 - t1;
        t[2][v][nt[2][v]++] = t3 - t2; t[3][v][nt[3][v]++] = t4 - t3;
      }
    }
    if (r > 0) {
      printf("round %d:", r);
      for (int q = 0; q < 4; q++) {
        double m[2];
        for (int v = 0; v < 2; v++) {
          double *s = t[q][v] + nt[q][v] - CALLS; qsort(s, CALLS, sizeof(double), cmp); m[v] = s[CALLS / 2];
        }
        printf("  %s %.1f/%.1f (%+.1f%%)", names[q], m[0] / 1e3, m[1] / 1e3, 100 * (m[1] / m[0] - 1));
      }
      printf("\n");
    }
  }
  return 0;
}
