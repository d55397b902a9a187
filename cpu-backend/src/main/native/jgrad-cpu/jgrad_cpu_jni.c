/*
 * JNI entry points of the CPU backend's native helper (Java side: dev.jgrad.cpu.NativeCpu).
 *
 * Matrix products read and write the Java arrays in place (GetPrimitiveArrayCritical), where the
 * pure-Java path copies every operand into off-heap scratch and the result back. Dense float
 * products run gemm_kernels.c where the build has it (AVX-512, AVX2), unless Java asked for
 * OpenBLAS; the others call the cblas_sgemm / cblas_dgemm of the OpenBLAS that org.bytedeco
 * already loaded (found with dlsym through its JNI library, so there is one OpenBLAS in the
 * process); products with a mostly-zero left operand run the kernels of sparse_kernels.c.
 *
 * Nothing here checks bounds: NativeCpu's callers have checked every length against m, n, k and
 * the offsets. Inside a critical section no other JNI call is made.
 */
#include <dlfcn.h>
#include <jni.h>
#include <stddef.h>
#include <string.h>

enum { CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112 };

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *,
    int, float, float *, int);
typedef void (*dgemm_fn)(int, int, int, int, int, int, double, const double *, int,
    const double *, int, double, double *, int);
/* The kernels of sparse_kernels.c and loss_kernels.c, built once per instruction set. */
/* c = op(a) b; scratch: a count per output row, their lists of nonzeros (idx, val) */
typedef void (*sparse_fn)(int, int, int, const float *, size_t, const float *, size_t, float *,
    size_t, int *, int *, float *);
/* Built ahead of the products: counts, lists, and products from the lists. */
typedef void (*count_fn)(int, int, const float *, size_t, int *, int *);
typedef void (*lists_fn)(int, int, const float *, size_t, const int *, int *, float *, size_t,
    const int *, int *, int *, float *);
/* SGD from a sparse a^T b (jg_sparse_sgd_ta): 0 having changed nothing when b is not finite */
typedef int (*sparse_sgd_fn)(int, int, int, const float *, size_t, const float *, size_t, float *,
    size_t, float *, float, float, float, int *, int *, float *, float *);
/* SGD from products over lists built ahead (jg_sparse_sgd_lists), as sparse_sgd_fn */
typedef int (*lists_sgd_fn)(int, int, int, const int *, const int *, const int *,
    const float *, const float *, size_t, float *, size_t, float *, float, float, float, float *);
typedef void (*lists_mm_fn)(int, int, int, const int *, const int *, const int *,
    const float *, const int *, const float *, size_t, float *, size_t);
/* Softmax cross-entropy with integer labels. */
typedef int (*sce_loss_fn)(int, int, const float *, const int *, float *, double *);
typedef int (*sce_grad_fn)(int, int, const float *, const int *, float, float *);
/* Direct correlation (conv_kernels.c). */
typedef int (*correlate_fn)(int, const float *, int, int, int, int, int, int, int, int, int, int,
    const float *, int, const float *, float *);
typedef int (*correlate_weight_fn)(int, const float *, int, int, int, int, int, const float *,
    int, int, int, int, int, float *);
/* 2x2 max pooling, stride 2, and its gradient (pool_kernels.c). */
typedef int (*max_pool_fn)(int, const float *, int, int, float *, const float *, float *,
    unsigned char *);
/* Dense float products (gemm_kernels.c). */
typedef int (*own_sgemm_fn)(int, int, int, int, int, const float *, int, const float *, int,
    float *, int);
typedef int (*sgemm_sgd_fn)(int, int, int, int, int, const float *, int, const float *, int,
    float *, int, float *, float, float, float);
/* A dense layer's small passes (elementwise_kernels.c). */
typedef void (*bias_act_fn)(int, int, const float *, const float *, int, float *);
typedef void (*relu_grad_fn)(int, const float *, const float *, float *);
typedef void (*column_sums_fn)(int, int, const float *, int, int, float *);
typedef void (*row_sums_fn)(int, int, const float *, float *);
typedef void (*sgd_fn)(int, int, float *, const float *, float *, float, float, float);
typedef void (*adam_fn)(int, int, float *, const float *, float *, float *, float, float, float,
    float);
typedef void (*gather_rows_fn)(int, int, int, int, const int *, int, const void *, void *);
typedef void (*u8_to_f32_fn)(const unsigned char *, float *, size_t);
typedef void (*div_scalar_fn)(const float *, float, float *, size_t);

#define DECLARE_KERNELS(suffix)                                                                \
  void jg_sparse_init##suffix(void);                                                            \
  void jg_sparse_mm##suffix(int, int, int, const float *, size_t, const float *, size_t,        \
      float *, size_t, int *, int *, float *);                                                  \
  void jg_sparse_mm_ta##suffix(int, int, int, const float *, size_t, const float *, size_t,     \
      float *, size_t, int *, int *, float *);                                                  \
  void jg_sparse_count##suffix(int, int, const float *, size_t, int *, int *);                  \
  void jg_sparse_lists##suffix(int, int, const float *, size_t, const int *, int *, float *,    \
      size_t, const int *, int *, int *, float *);                                              \
  void jg_sparse_mm_lists##suffix(int, int, int, const int *, const int *, const int *,         \
      const float *, const int *, const float *, size_t, float *, size_t);                      \
  int jg_sparse_sgd_ta##suffix(int, int, int, const float *, size_t, const float *, size_t,      \
      float *, size_t, float *, float, float, float, int *, int *, float *, float *);           \
  int jg_sparse_sgd_lists##suffix(int, int, int, const int *, const int *, const int *,         \
      const float *, const float *, size_t, float *, size_t, float *, float, float, float,       \
      float *);                                                                                 \
  int jg_sce_labels_loss##suffix(int, int, const float *, const int *, float *, double *);      \
  int jg_sce_labels_grad##suffix(int, int, const float *, const int *, float, float *);       \
  int jg_correlate##suffix(int, const float *, int, int, int, int, int, int, int, int, int, int, \
      const float *, int, const float *, float *);                                              \
  int jg_correlate_weight##suffix(int, const float *, int, int, int, int, int, const float *,    \
      int, int, int, int, int, float *);                                                        \
  extern const int jg_correlate_lanes##suffix;                                                  \
  int jg_max_pool2x2##suffix(int, const float *, int, int, float *, const float *, float *,     \
      unsigned char *);                                                                         \
  extern const int jg_pool_lanes##suffix;                                                      \
  int jg_sgemm##suffix(int, int, int, int, int, const float *, int, const float *, int, float *, \
      int);                                                                                     \
  extern const int jg_gemm_lanes##suffix;                                                     \
  int jg_sgemm_sgd##suffix(int, int, int, int, int, const float *, int, const float *, int,     \
      float *, int, float *, float, float, float);                                              \
  extern const int jg_gemm_k_block##suffix;                                                   \
  extern const int jg_gemm_row_columns##suffix;                                               \
  void jg_bias_act##suffix(int, int, const float *, const float *, int, float *);               \
  void jg_relu_grad##suffix(int, const float *, const float *, float *);                        \
  void jg_column_sums##suffix(int, int, const float *, int, int, float *);                      \
  void jg_row_sums##suffix(int, int, const float *, float *);                                   \
  void jg_sgd##suffix(int, int, float *, const float *, float *, float, float, float);          \
  void jg_adam##suffix(int, int, float *, const float *, float *, float *, float, float, float,  \
      float);                                                                                   \
  void jg_gather_rows##suffix(int, int, int, int, const int *, int, const void *, void *);      \
  void jg_u8_to_f32##suffix(const unsigned char *, float *, size_t);                          \
  void jg_div_scalar##suffix(const float *, float, float *, size_t);
DECLARE_KERNELS(_avx512)
DECLARE_KERNELS(_avx2)
DECLARE_KERNELS(_base)

/* One build of the kernels: its name, the x86-64 level it needs (NULL: any), its functions. */
struct kernels {
  const char *name;
  const char *level;
  void (*init)(void);
  sparse_fn mm;
  sparse_fn mm_ta;
  count_fn count;
  lists_fn lists;
  lists_mm_fn mm_lists;
  sparse_sgd_fn sgd_ta;
  lists_sgd_fn sgd_lists;
  sce_loss_fn sce_loss;
  sce_grad_fn sce_grad;
  correlate_fn correlate;
  correlate_weight_fn correlate_weight;
  const int *correlate_lanes; /* 0: no direct correlation in this build */
  max_pool_fn max_pool;
  const int *pool_lanes; /* 0: no pooling kernel in this build */
  own_sgemm_fn gemm;
  const int *gemm_lanes; /* 0: no dense float kernel in this build (OpenBLAS then) */
  sgemm_sgd_fn gemm_sgd;
  const int *gemm_k_block; /* the longest k gemm_sgd takes */
  const int *gemm_row_columns; /* the column blocks of a one-row product */
  bias_act_fn bias_act;
  relu_grad_fn relu_grad;
  column_sums_fn column_sums;
  row_sums_fn row_sums;
  sgd_fn sgd;
  adam_fn adam;
  gather_rows_fn gather_rows;
  u8_to_f32_fn u8_to_f32;
  div_scalar_fn div_scalar;
};

#define KERNELS(name, level, suffix)                                                           \
  {name, level, jg_sparse_init##suffix, jg_sparse_mm##suffix, jg_sparse_mm_ta##suffix,          \
      jg_sparse_count##suffix, jg_sparse_lists##suffix, jg_sparse_mm_lists##suffix,             \
      jg_sparse_sgd_ta##suffix, jg_sparse_sgd_lists##suffix, jg_sce_labels_loss##suffix, jg_sce_labels_grad##suffix, jg_correlate##suffix,             \
      jg_correlate_weight##suffix, &jg_correlate_lanes##suffix, jg_max_pool2x2##suffix,          \
      &jg_pool_lanes##suffix, jg_sgemm##suffix, &jg_gemm_lanes##suffix, jg_sgemm_sgd##suffix,    \
      &jg_gemm_k_block##suffix, &jg_gemm_row_columns##suffix, jg_bias_act##suffix,              \
      jg_relu_grad##suffix, jg_column_sums##suffix, jg_row_sums##suffix, jg_sgd##suffix,        \
      jg_adam##suffix, jg_gather_rows##suffix, jg_u8_to_f32##suffix, jg_div_scalar##suffix}

/* Best first: bind() takes the first this CPU runs. */
static const struct kernels VARIANTS[] = {
    KERNELS("avx512", "x86-64-v4", _avx512),
    KERNELS("avx2", "x86-64-v3", _avx2),
    KERNELS("x86-64", NULL, _base),
};
#define VARIANT_COUNT (sizeof VARIANTS / sizeof VARIANTS[0])

static sgemm_fn sgemm;
static dgemm_fn dgemm;
/* Whether dense float products take gemm_kernels.c where the build has it (Java may say no). */
static int own_sgemm = 1;
static const struct kernels *kernels = &VARIANTS[VARIANT_COUNT - 1];

static int runs_here(const struct kernels *k) {
  if (k->level == NULL) {
    return 1;
  }
  /* __builtin_cpu_supports needs a string literal */
  return strcmp(k->level, "x86-64-v4") == 0 ? __builtin_cpu_supports("x86-64-v4")
      : strcmp(k->level, "x86-64-v3") == 0  ? __builtin_cpu_supports("x86-64-v3")
                                            : 0;
}

/* Error codes returned to Java (NativeCpu names them). */
enum { OK = 0, NOT_BOUND = 1, NO_MEMORY = 2, NOT_FINITE = 3, K_TOO_LONG = 4 };

/*
 * Finds cblas_sgemm/cblas_dgemm through the already loaded library at `library` (OpenBLAS's JNI
 * library, whose dependencies dlsym searches) and picks the kernels for this CPU. Returns NULL,
 * or why it failed.
 */
JNIEXPORT jstring JNICALL Java_dev_jgrad_cpu_NativeCpu_bind(JNIEnv *env, jclass cls,
    jstring library) {
  const char *path = (*env)->GetStringUTFChars(env, library, NULL);
  if (path == NULL) {
    return NULL; /* OutOfMemoryError pending */
  }
  void *handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  (*env)->ReleaseStringUTFChars(env, library, path);
  if (handle == NULL) {
    const char *why = dlerror();
    return (*env)->NewStringUTF(env, why != NULL ? why : "dlopen failed");
  }
  sgemm = (sgemm_fn) dlsym(handle, "cblas_sgemm");
  dgemm = (dgemm_fn) dlsym(handle, "cblas_dgemm");
  if (sgemm == NULL || dgemm == NULL) {
    return (*env)->NewStringUTF(env, "cblas_sgemm or cblas_dgemm not found through OpenBLAS");
  }
  __builtin_cpu_init();
  for (size_t v = 0; v < VARIANT_COUNT; v++) {
    if (runs_here(&VARIANTS[v])) {
      VARIANTS[v].init();
      kernels = &VARIANTS[v];
      break;
    }
  }
  return NULL;
}

/* The name of the kernels in use: "avx512", "avx2" or "x86-64". */
JNIEXPORT jstring JNICALL Java_dev_jgrad_cpu_NativeCpu_kernelVariant(JNIEnv *env, jclass cls) {
  return (*env)->NewStringUTF(env, kernels->name);
}

/*
 * Switches to the kernels named (tests run each build this CPU runs); returns NULL, or why not.
 * Not for use while another thread runs a kernel.
 */
JNIEXPORT jstring JNICALL Java_dev_jgrad_cpu_NativeCpu_useKernelVariant(JNIEnv *env, jclass cls,
    jstring name) {
  const char *wanted = (*env)->GetStringUTFChars(env, name, NULL);
  if (wanted == NULL) {
    return NULL; /* OutOfMemoryError pending */
  }
  const char *why = "no such kernel variant; there are avx512, avx2 and x86-64";
  for (size_t v = 0; v < VARIANT_COUNT; v++) {
    if (strcmp(wanted, VARIANTS[v].name) == 0) {
      why = runs_here(&VARIANTS[v]) ? NULL : "this CPU does not run it";
      if (why == NULL) {
        VARIANTS[v].init();
        kernels = &VARIANTS[v];
      }
    }
  }
  (*env)->ReleaseStringUTFChars(env, name, wanted);
  return why == NULL ? NULL : (*env)->NewStringUTF(env, why);
}

#define CRITICAL(type, name, array)                                             \
  type *name = (*env)->GetPrimitiveArrayCritical(env, array, NULL)
#define RELEASE(name, array, mode)                                              \
  if (name != NULL) (*env)->ReleasePrimitiveArrayCritical(env, array, name, mode)

/* Chooses OpenBLAS (0) or gemm_kernels.c (1, where the build has it) for dense float products. */
JNIEXPORT void JNICALL Java_dev_jgrad_cpu_NativeCpu_useOwnSgemm(JNIEnv *env, jclass cls,
    jboolean own) {
  own_sgemm = own;
}

/* Whether dense float products run gemm_kernels.c (asked for, and in the kernels in use). */
JNIEXPORT jboolean JNICALL Java_dev_jgrad_cpu_NativeCpu_ownSgemm(JNIEnv *env, jclass cls) {
  return own_sgemm && *kernels->gemm_lanes > 0;
}

static int float_product(int trans_a, int trans_b, int m, int n, int k, const float *a, int lda,
    const float *b, int ldb, float *c, int ldc) {
  if (own_sgemm && *kernels->gemm_lanes > 0) {
    return kernels->gemm(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc);
  }
  sgemm(CBLAS_ROW_MAJOR, trans_a ? CBLAS_TRANS : CBLAS_NO_TRANS,
      trans_b ? CBLAS_TRANS : CBLAS_NO_TRANS, m, n, k, 1, a, lda, b, ldb, 0, c, ldc);
  return OK;
}

static int double_product(int trans_a, int trans_b, int m, int n, int k, const double *a,
    int lda, const double *b, int ldb, double *c, int ldc) {
  dgemm(CBLAS_ROW_MAJOR, trans_a ? CBLAS_TRANS : CBLAS_NO_TRANS,
      trans_b ? CBLAS_TRANS : CBLAS_NO_TRANS, m, n, k, 1, a, lda, b, ldb, 0, c, ldc);
  return OK;
}

/* The float and double products: the same body around float_product and double_product. */
#define DEFINE_GEMM(java_name, jarray, type, fn)                                                \
  JNIEXPORT jint JNICALL java_name(JNIEnv *env, jclass cls, jboolean transA, jboolean transB,  \
      jint m, jint n, jint k, jarray a, jint aOff, jint lda, jarray b, jint bOff, jint ldb,     \
      jarray c, jint cOff, jint ldc) {                                                          \
    if (sgemm == NULL || dgemm == NULL) {                                                       \
      return NOT_BOUND;                                                                         \
    }                                                                                           \
    CRITICAL(type, pc, c);                                                                      \
    CRITICAL(type, pa, a);                                                                      \
    CRITICAL(type, pb, b);                                                                      \
    int status = NO_MEMORY;                                                                     \
    if (pa != NULL && pb != NULL && pc != NULL) {                                               \
      status = fn(transA, transB, m, n, k, pa + aOff, lda, pb + bOff, ldb, pc + cOff, ldc);    \
    }                                                                                           \
    RELEASE(pb, b, JNI_ABORT);                                                                  \
    RELEASE(pa, a, JNI_ABORT);                                                                  \
    RELEASE(pc, c, 0);                                                                          \
    return status;                                                                              \
  }

DEFINE_GEMM(Java_dev_jgrad_cpu_NativeCpu_sgemm, jfloatArray, float, float_product)
DEFINE_GEMM(Java_dev_jgrad_cpu_NativeCpu_dgemm, jdoubleArray, double, double_product)

/* The longest k sgemmSgd takes: 0 where dense float products do not run gemm_kernels.c. */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_sgemmSgdMaxK(JNIEnv *env, jclass cls) {
  return own_sgemm && *kernels->gemm_lanes > 0 ? *kernels->gemm_k_block : 0;
}

/*
 * The column blocks of the own kernel's one-row products (gemm_kernels.c's jg_gemm_row_columns):
 * where Java may split one by columns without moving any column to another block; 0 where dense
 * float products do not run gemm_kernels.c.
 */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_rowProductColumns(JNIEnv *env, jclass cls) {
  return own_sgemm && *kernels->gemm_lanes > 0 ? *kernels->gemm_row_columns : 0;
}

/*
 * SGD of p (and v, unless null) from the gradient op(a) op(b), in the product's kernel
 * (gemm_kernels.c's jg_sgemm_sgd): p and v from offset pOff, row stride ldp. Returns NOT_BOUND
 * where that kernel is not in use, K_TOO_LONG for a k over sgemmSgdMaxK, both having changed
 * nothing.
 */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_sgemmSgd(JNIEnv *env, jclass cls,
    jboolean transA, jboolean transB, jint m, jint n, jint k, jfloatArray a, jint aOff, jint lda,
    jfloatArray b, jint bOff, jint ldb, jfloatArray p, jint pOff, jint ldp, jfloatArray v,
    jfloat lr, jfloat momentum, jfloat weightDecay) {
  if (!own_sgemm || *kernels->gemm_lanes == 0) {
    return NOT_BOUND;
  }
  CRITICAL(float, pp, p);
  float *pv = v != NULL ? (*env)->GetPrimitiveArrayCritical(env, v, NULL) : NULL;
  CRITICAL(float, pa, a);
  CRITICAL(float, pb, b);
  int status = NO_MEMORY;
  if (pa != NULL && pb != NULL && pp != NULL && (pv != NULL || v == NULL)) {
    status = kernels->gemm_sgd(transA, transB, m, n, k, pa + aOff, lda, pb + bOff, ldb,
        pp + pOff, ldp, pv == NULL ? NULL : pv + pOff, lr, momentum, weightDecay);
  }
  RELEASE(pb, b, JNI_ABORT);
  RELEASE(pa, a, JNI_ABORT);
  RELEASE(pv, v, 0);
  RELEASE(pp, p, 0);
  return status;
}

/*
 * SGD of p (and v, unless null; from offset pOff, rows ldp apart) from the gradient a^T b
 * skipping the zeros of a (a stored [k,m]): sparse_sgd_ta. NOT_FINITE, having changed nothing,
 * when b holds an infinity or NaN. Scratch as sparseSgemm's, and tile of 2 * n floats.
 */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_sparseSgdTa(JNIEnv *env, jclass cls, jint m,
    jint n, jint k, jfloatArray a, jint aOff, jint lda, jfloatArray b, jint bOff, jint ldb,
    jfloatArray p, jint pOff, jint ldp, jfloatArray v, jfloat lr, jfloat momentum,
    jfloat weightDecay, jintArray count, jintArray idx, jfloatArray val, jfloatArray tile) {
  CRITICAL(float, pp, p);
  float *pv = v != NULL ? (*env)->GetPrimitiveArrayCritical(env, v, NULL) : NULL;
  CRITICAL(float, pa, a);
  CRITICAL(float, pb, b);
  CRITICAL(int, ps, count);
  CRITICAL(int, pi, idx);
  CRITICAL(float, pf, val);
  CRITICAL(float, pt, tile);
  int status = NO_MEMORY;
  if (pp != NULL && (pv != NULL || v == NULL) && pa != NULL && pb != NULL && ps != NULL
      && pi != NULL && pf != NULL && pt != NULL) {
    status = kernels->sgd_ta(m, n, k, pa + aOff, (size_t) lda, pb + bOff, (size_t) ldb,
        pp + pOff, (size_t) ldp, pv == NULL ? NULL : pv + pOff, lr, momentum, weightDecay, ps,
        pi, pf, pt) ? OK : NOT_FINITE;
  }
  RELEASE(pt, tile, 0);
  RELEASE(pf, val, 0);
  RELEASE(pi, idx, 0);
  RELEASE(ps, count, 0);
  RELEASE(pb, b, JNI_ABORT);
  RELEASE(pa, a, JNI_ABORT);
  RELEASE(pv, v, 0);
  RELEASE(pp, p, 0);
  return status;
}

/*
 * SGD of p (and v, unless null; from offset pOff, rows ldp apart) from the gradient over lists
 * first .. first + rows of those built ahead (as sparseSgemmLists): sgd_lists. NOT_FINITE,
 * having changed nothing, when b holds an infinity or NaN. tile: 2 * n floats.
 */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_sparseSgdLists(JNIEnv *env, jclass cls,
    jint first, jint rows, jint n, jint k, jintArray start, jintArray count, jintArray idx,
    jfloatArray val, jfloatArray b, jint bOff, jint ldb, jfloatArray p, jint pOff, jint ldp,
    jfloatArray v, jfloat lr, jfloat momentum, jfloat weightDecay, jfloatArray tile) {
  CRITICAL(float, pp, p);
  float *pv = v != NULL ? (*env)->GetPrimitiveArrayCritical(env, v, NULL) : NULL;
  CRITICAL(float, pb, b);
  CRITICAL(int, ps, start);
  CRITICAL(int, pn, count);
  CRITICAL(int, pi, idx);
  CRITICAL(float, pf, val);
  CRITICAL(float, pt, tile);
  int status = NO_MEMORY;
  if (pp != NULL && (pv != NULL || v == NULL) && pb != NULL && ps != NULL && pn != NULL
      && pi != NULL && pf != NULL && pt != NULL) {
    status = kernels->sgd_lists(rows, n, k, ps + first, pn + first, pi, pf, pb + bOff,
        (size_t) ldb, pp + pOff, (size_t) ldp, pv == NULL ? NULL : pv + pOff, lr, momentum,
        weightDecay, pt) ? OK : NOT_FINITE;
  }
  RELEASE(pt, tile, 0);
  RELEASE(pf, val, JNI_ABORT);
  RELEASE(pi, idx, JNI_ABORT);
  RELEASE(pn, count, JNI_ABORT);
  RELEASE(ps, start, JNI_ABORT);
  RELEASE(pb, b, JNI_ABORT);
  RELEASE(pv, v, 0);
  RELEASE(pp, p, 0);
  return status;
}

/*
 * c[m,n] = op(a)[m,k] b[k,n] skipping the zeros of a (NaN where one meets an infinity or NaN of
 * b, as in a dense product); op(a) = a stored [m,k], or a^T with a
 * stored [k,m] when transA. Scratch from the caller: idx and val of at least m * (k + 8)
 * entries, count (of each output row's nonzeros) of at least m.
 */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_sparseSgemm(JNIEnv *env, jclass cls,
    jboolean transA, jint m, jint n, jint k, jfloatArray a, jint aOff, jint lda, jfloatArray b,
    jint bOff, jint ldb, jfloatArray c, jint cOff, jint ldc, jintArray count, jintArray idx,
    jfloatArray val) {
  CRITICAL(float, pc, c);
  CRITICAL(float, pa, a);
  CRITICAL(float, pb, b);
  CRITICAL(int, ps, count);
  CRITICAL(int, pi, idx);
  CRITICAL(float, pv, val);
  int status = NO_MEMORY;
  if (pa != NULL && pb != NULL && pc != NULL && ps != NULL && pi != NULL && pv != NULL) {
    if (transA) {
      kernels->mm_ta(m, n, k, pa + aOff, (size_t) lda, pb + bOff, (size_t) ldb, pc + cOff,
          (size_t) ldc, ps, pi, pv);
    } else {
      kernels->mm(m, n, k, pa + aOff, (size_t) lda, pb + bOff, (size_t) ldb, pc + cOff,
          (size_t) ldc, ps, pi, pv);
    }
    status = OK;
  }
  RELEASE(pv, val, 0);
  RELEASE(pi, idx, 0);
  RELEASE(ps, count, 0);
  RELEASE(pb, b, JNI_ABORT);
  RELEASE(pa, a, JNI_ABORT);
  RELEASE(pc, c, 0);
  return status;
}

/* The nonzeros of a[m,k] (offset aOff, rows k apart) counted per row and per column. */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_sparseCount(JNIEnv *env, jclass cls,
    jint m, jint k, jfloatArray a, jint aOff, jintArray rowCount, jintArray colCount) {
  CRITICAL(float, pa, a);
  CRITICAL(int, pr, rowCount);
  CRITICAL(int, pc, colCount);
  int status = NO_MEMORY;
  if (pa != NULL && pr != NULL && pc != NULL) {
    kernels->count(m, k, pa + aOff, (size_t) k, pr, pc);
    status = OK;
  }
  RELEASE(pc, colCount, 0);
  RELEASE(pr, rowCount, 0);
  RELEASE(pa, a, JNI_ABORT);
  return status;
}

/*
 * The nonzeros of a[m,k] listed by row and by column (see jg_sparse_lists for the layout);
 * colCount receives the column counts again.
 */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_sparseLists(JNIEnv *env, jclass cls,
    jint m, jint k, jfloatArray a, jint aOff, jintArray rowStart, jintArray rowIdx,
    jfloatArray rowVal, jintArray colStart, jintArray colCount, jintArray colIdx,
    jfloatArray colVal) {
  jsize idxLength = (*env)->GetArrayLength(env, rowIdx);
  jsize valLength = (*env)->GetArrayLength(env, rowVal);
  size_t rowRoom = (size_t) (idxLength < valLength ? idxLength : valLength);
  CRITICAL(float, pa, a);
  CRITICAL(int, prs, rowStart);
  CRITICAL(int, pri, rowIdx);
  CRITICAL(float, prv, rowVal);
  CRITICAL(int, pcs, colStart);
  CRITICAL(int, pcc, colCount);
  CRITICAL(int, pci, colIdx);
  CRITICAL(float, pcv, colVal);
  int status = NO_MEMORY;
  if (pa != NULL && prs != NULL && pri != NULL && prv != NULL && pcs != NULL && pcc != NULL
      && pci != NULL && pcv != NULL) {
    kernels->lists(m, k, pa + aOff, (size_t) k, prs, pri, prv, rowRoom, pcs, pcc, pci, pcv);
    status = OK;
  }
  RELEASE(pcv, colVal, 0);
  RELEASE(pci, colIdx, 0);
  RELEASE(pcc, colCount, 0);
  RELEASE(pcs, colStart, JNI_ABORT);
  RELEASE(prv, rowVal, 0);
  RELEASE(pri, rowIdx, 0);
  RELEASE(prs, rowStart, JNI_ABORT);
  RELEASE(pa, a, JNI_ABORT);
  return status;
}

/*
 * c[r, :] = the sum over list first + r of val * b[idx, :], for r < rows: a product whose left
 * operand's nonzeros were listed ahead (by row, or by column for its transpose); b has k rows.
 * uses: null, or (rows being all of the lists) how many nonzeros meet each row of b.
 */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_sparseSgemmLists(JNIEnv *env, jclass cls,
    jint first, jint rows, jint n, jint k, jintArray start, jintArray count, jintArray idx,
    jfloatArray val, jintArray uses, jfloatArray b, jint bOff, jint ldb, jfloatArray c,
    jint cOff, jint ldc) {
  CRITICAL(float, pc, c);
  CRITICAL(float, pb, b);
  CRITICAL(int, ps, start);
  CRITICAL(int, pn, count);
  CRITICAL(int, pi, idx);
  CRITICAL(float, pv, val);
  int *pu = uses != NULL ? (*env)->GetPrimitiveArrayCritical(env, uses, NULL) : NULL;
  int status = NO_MEMORY;
  if (pc != NULL && pb != NULL && ps != NULL && pn != NULL && pi != NULL && pv != NULL
      && (pu != NULL || uses == NULL)) {
    kernels->mm_lists(rows, n, k, ps + first, pn + first, pi, pv, pu, pb + bOff, (size_t) ldb,
        pc + cOff, (size_t) ldc);
    status = OK;
  }
  RELEASE(pu, uses, JNI_ABORT);
  RELEASE(pv, val, JNI_ABORT);
  RELEASE(pi, idx, JNI_ABORT);
  RELEASE(pn, count, JNI_ABORT);
  RELEASE(ps, start, JNI_ABORT);
  RELEASE(pb, b, JNI_ABORT);
  RELEASE(pc, c, 0);
  return status;
}

/*
 * Softmax cross-entropy of logits x[n, k] with labels in [0, k): the sum of the rows' losses into
 * total[0] (scratch: e of n * k floats), or NOT_FINITE when a row's maximum is not finite, left
 * to the Java kernel.
 */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_softmaxCrossEntropyLoss(JNIEnv *env,
    jclass cls, jint n, jint k, jfloatArray x, jintArray labels, jfloatArray e,
    jdoubleArray total) {
  CRITICAL(float, px, x);
  CRITICAL(int, pl, labels);
  CRITICAL(float, pe, e);
  CRITICAL(double, pt, total);
  int status = NO_MEMORY;
  if (px != NULL && pl != NULL && pe != NULL && pt != NULL) {
    status = kernels->sce_loss(n, k, px, pl, pe, pt) < 0 ? OK : NOT_FINITE;
  }
  RELEASE(pt, total, 0);
  RELEASE(pe, e, JNI_ABORT);
  RELEASE(pl, labels, JNI_ABORT);
  RELEASE(px, x, JNI_ABORT);
  return status;
}

/*
 * out[n, k] = (softmax(x) - onehot(labels)) * scale, or NOT_FINITE (out unfinished) when a row's
 * maximum is not finite.
 */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_softmaxCrossEntropyGrad(JNIEnv *env,
    jclass cls, jint n, jint k, jfloatArray x, jintArray labels, jfloat scale,
    jfloatArray out) {
  CRITICAL(float, po, out);
  CRITICAL(float, px, x);
  CRITICAL(int, pl, labels);
  int status = NO_MEMORY;
  if (po != NULL && px != NULL && pl != NULL) {
    status = kernels->sce_grad(n, k, px, pl, scale, po) < 0 ? OK : NOT_FINITE;
  }
  RELEASE(pl, labels, JNI_ABORT);
  RELEASE(px, x, JNI_ABORT);
  RELEASE(po, out, 0);
  return status;
}

/* Whether the kernels in use have a direct correlation (conv_kernels.c); not the x86-64 build. */
JNIEXPORT jboolean JNICALL Java_dev_jgrad_cpu_NativeCpu_hasCorrelate(JNIEnv *env, jclass cls) {
  return *kernels->correlate_lanes > 0;
}

/*
 * Direct correlation of n float samples, stride 1 (see conv_kernels.c): x from xOff, out from
 * outOff, bias NULL or one per output channel. NO_MEMORY also when its scratch could not be had.
 */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_correlate(JNIEnv *env, jclass cls, jint n,
    jfloatArray x, jint xOff, jint channels, jint h, jint w, jint top, jint left, jint outs,
    jint oh, jint ow, jint kh, jint kw, jfloatArray weight, jboolean flip, jfloatArray bias,
    jfloatArray out, jint outOff) {
  if (*kernels->correlate_lanes == 0) {
    return NOT_BOUND;
  }
  CRITICAL(float, po, out);
  CRITICAL(float, px, x);
  CRITICAL(float, pw, weight);
  float *pb = bias != NULL ? (*env)->GetPrimitiveArrayCritical(env, bias, NULL) : NULL;
  int status = NO_MEMORY;
  if (po != NULL && px != NULL && pw != NULL && (pb != NULL || bias == NULL)) {
    status = kernels->correlate(n, px + xOff, channels, h, w, top, left, outs, oh, ow, kh, kw, pw,
        flip, pb, po + outOff) == 0 ? OK : NO_MEMORY;
  }
  RELEASE(pb, bias, JNI_ABORT);
  RELEASE(pw, weight, JNI_ABORT);
  RELEASE(px, x, JNI_ABORT);
  RELEASE(po, out, 0);
  return status;
}

/*
 * The weight gradient of the direct correlation (conv_kernels.c) over n float samples: x from
 * xOff, g from gOff, dw [outs][channels][kh][kw] written whole.
 */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_correlateWeight(JNIEnv *env, jclass cls,
    jint n, jfloatArray x, jint xOff, jint channels, jint h, jint w, jint top, jint left,
    jfloatArray g, jint gOff, jint outs, jint oh, jint ow, jint kh, jint kw, jfloatArray dw) {
  if (*kernels->correlate_lanes == 0) {
    return NOT_BOUND;
  }
  CRITICAL(float, pd, dw);
  CRITICAL(float, px, x);
  CRITICAL(float, pg, g);
  int status = NO_MEMORY;
  if (pd != NULL && px != NULL && pg != NULL) {
    status = kernels->correlate_weight(n, px + xOff, channels, h, w, top, left, pg + gOff, outs,
        oh, ow, kh, kw, pd) == 0 ? OK : NO_MEMORY;
  }
  RELEASE(pg, g, JNI_ABORT);
  RELEASE(px, x, JNI_ABORT);
  RELEASE(pd, dw, 0);
  return status;
}

JNIEXPORT jboolean JNICALL Java_dev_jgrad_cpu_NativeCpu_hasMaxPool2x2(JNIEnv *env, jclass cls) {
  return *kernels->pool_lanes > 0;
}

/*
 * 2x2 max pooling with stride 2 of `planes` float planes x[h][w] from xOff (pool_kernels.c):
 * into target[h / 2][w / 2] when gy is NULL, else gy's gradient (from gOff) into target[h][w].
 * codes: NULL, or an int array holding a byte per window from byte codesOff, which pooling
 * writes and the gradient reads (then instead of x).
 */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_maxPool2x2(JNIEnv *env, jclass cls,
    jint planes, jfloatArray x, jint xOff, jint h, jint w, jfloatArray gy, jint gOff,
    jfloatArray target, jint targetOff, jintArray codes, jint codesOff) {
  if (*kernels->pool_lanes == 0) {
    return NOT_BOUND;
  }
  CRITICAL(float, pt, target);
  CRITICAL(float, px, x);
  float *pg = gy != NULL ? (*env)->GetPrimitiveArrayCritical(env, gy, NULL) : NULL;
  jint *pc = codes != NULL ? (*env)->GetPrimitiveArrayCritical(env, codes, NULL) : NULL;
  int status = NO_MEMORY;
  if (pt != NULL && px != NULL && (pg != NULL || gy == NULL) && (pc != NULL || codes == NULL)) {
    kernels->max_pool(planes, px + xOff, h, w, gy == NULL ? pt + targetOff : NULL,
        pg != NULL ? pg + gOff : NULL, gy == NULL ? NULL : pt + targetOff,
        pc != NULL ? (unsigned char *) pc + codesOff : NULL);
    status = OK;
  }
  RELEASE(pc, codes, gy == NULL ? 0 : JNI_ABORT);
  RELEASE(pg, gy, JNI_ABORT);
  RELEASE(px, x, JNI_ABORT);
  RELEASE(pt, target, 0);
  return status;
}

/*
 * A dense layer's small float passes (elementwise_kernels.c), the same bits as the Java loops.
 * out[rows, cols] = x[rows, cols] + bias[cols] (row by row), then ReLU when asked.
 */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_biasActivation(JNIEnv *env, jclass cls,
    jint rows, jint cols, jfloatArray x, jfloatArray bias, jboolean relu, jfloatArray out) {
  CRITICAL(float, po, out);
  CRITICAL(float, px, x);
  CRITICAL(float, pb, bias);
  int status = NO_MEMORY;
  if (po != NULL && px != NULL && pb != NULL) {
    kernels->bias_act(rows, cols, px, pb, relu, po);
    status = OK;
  }
  RELEASE(pb, bias, JNI_ABORT);
  RELEASE(px, x, JNI_ABORT);
  RELEASE(po, out, 0);
  return status;
}

/* out[n] = g * (1 where x > 0, else 0; NaN for NaN x). */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_reluGrad(JNIEnv *env, jclass cls,
    jint from, jint to, jfloatArray g, jfloatArray x, jfloatArray out) {
  CRITICAL(float, po, out);
  CRITICAL(float, pg, g);
  CRITICAL(float, px, x);
  int status = NO_MEMORY;
  if (po != NULL && pg != NULL && px != NULL) {
    kernels->relu_grad(to - from, pg + from, px + from, po + from);
    status = OK;
  }
  RELEASE(px, x, JNI_ABORT);
  RELEASE(pg, g, JNI_ABORT);
  RELEASE(po, out, 0);
  return status;
}

/* out[outOff + j] = the sum down the rows of x[rows, cols] (from xOff), for j in [from, to). */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_columnSums(JNIEnv *env, jclass cls,
    jint rows, jint cols, jfloatArray x, jint xOff, jint from, jint to, jfloatArray out,
    jint outOff) {
  CRITICAL(float, po, out);
  CRITICAL(float, px, x);
  int status = NO_MEMORY;
  if (po != NULL && px != NULL) {
    kernels->column_sums(rows, cols, px + xOff, from, to, po + outOff);
    status = OK;
  }
  RELEASE(px, x, JNI_ABORT);
  RELEASE(po, out, 0);
  return status;
}

/* out[outOff + r] = the sum of row r of x[rows, len] (from xOff), for r in [0, rows). */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_rowSums(JNIEnv *env, jclass cls, jint rows,
    jint len, jfloatArray x, jint xOff, jfloatArray out, jint outOff) {
  CRITICAL(float, po, out);
  CRITICAL(float, px, x);
  int status = NO_MEMORY;
  if (po != NULL && px != NULL) {
    kernels->row_sums(rows, len, px + xOff, po + outOff);
    status = OK;
  }
  RELEASE(px, x, JNI_ABORT);
  RELEASE(po, out, 0);
  return status;
}

/* SGD over [from, to) of p, g and v (v: NULL without momentum). */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_sgdUpdate(JNIEnv *env, jclass cls,
    jint from, jint to, jfloatArray p, jfloatArray g, jfloatArray v, jfloat lr, jfloat momentum,
    jfloat weightDecay) {
  CRITICAL(float, pp, p);
  CRITICAL(float, pg, g);
  float *pv = v != NULL ? (*env)->GetPrimitiveArrayCritical(env, v, NULL) : NULL;
  int status = NO_MEMORY;
  if (pp != NULL && pg != NULL && (pv != NULL || v == NULL)) {
    kernels->sgd(from, to, pp, pg, pv, lr, momentum, weightDecay);
    status = OK;
  }
  RELEASE(pv, v, 0);
  RELEASE(pg, g, JNI_ABORT);
  RELEASE(pp, p, 0);
  return status;
}

/* Adam over [from, to) of p, g, m and v, the constants already rounded to float. */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_adamUpdate(JNIEnv *env, jclass cls,
    jint from, jint to, jfloatArray p, jfloatArray g, jfloatArray m, jfloatArray v, jfloat c1,
    jfloat c2, jfloat eps, jfloat step) {
  CRITICAL(float, pp, p);
  CRITICAL(float, pg, g);
  CRITICAL(float, pm, m);
  CRITICAL(float, pv, v);
  int status = NO_MEMORY;
  if (pp != NULL && pg != NULL && pm != NULL && pv != NULL) {
    kernels->adam(from, to, pp, pg, pm, pv, c1, c2, eps, step);
    status = OK;
  }
  RELEASE(pv, v, 0);
  RELEASE(pm, m, 0);
  RELEASE(pg, g, JNI_ABORT);
  RELEASE(pp, p, 0);
  return status;
}

/* out[o, i, :] = src[o, idx[i], :], rows of `inner` elements of elemBytes; checked by caller. */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_gatherRows(JNIEnv *env, jclass cls,
    jint outer, jint axis, jint inner, jint elemBytes, jintArray idx, jarray src, jarray out) {
  jint n = (*env)->GetArrayLength(env, idx);
  CRITICAL(char, po, out);
  CRITICAL(char, ps, src);
  CRITICAL(int, pi, idx);
  int status = NO_MEMORY;
  if (po != NULL && ps != NULL && pi != NULL) {
    kernels->gather_rows(outer, axis, inner, elemBytes, pi, n, ps, po);
    status = OK;
  }
  RELEASE(pi, idx, JNI_ABORT);
  RELEASE(ps, src, JNI_ABORT);
  RELEASE(po, out, 0);
  return status;
}

/* dst[i] = src[i] & 0xFF for i < n (UINT8 pixels to FLOAT32); lengths checked by the caller. */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_bytesToFloats(JNIEnv *env, jclass cls,
    jbyteArray src, jfloatArray dst, jint n) {
  CRITICAL(float, pd, dst);
  CRITICAL(unsigned char, ps, src);
  int status = NO_MEMORY;
  if (pd != NULL && ps != NULL) {
    kernels->u8_to_f32(ps, pd, (size_t) n);
    status = OK;
  }
  RELEASE(ps, src, JNI_ABORT);
  RELEASE(pd, dst, 0);
  return status;
}

/* out[o + i] = a[aOff + i] / s for i < n; a and out may be one array (in place, aOff == o). */
JNIEXPORT jint JNICALL Java_dev_jgrad_cpu_NativeCpu_divScalar(JNIEnv *env, jclass cls,
    jfloatArray a, jint aOff, jfloat s, jfloatArray out, jint o, jint n) {
  int same = (*env)->IsSameObject(env, a, out);
  CRITICAL(float, po, out);
  float *pa = same ? po : (*env)->GetPrimitiveArrayCritical(env, a, NULL);
  int status = NO_MEMORY;
  if (po != NULL && pa != NULL) {
    kernels->div_scalar(pa + aOff, s, po + o, (size_t) n);
    status = OK;
  }
  if (!same) {
    RELEASE(pa, a, JNI_ABORT);
  }
  RELEASE(po, out, 0);
  return status;
}
