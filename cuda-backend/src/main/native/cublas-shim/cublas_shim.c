/*
 * libcublas.so.12 -> libcublas.so.13 forwarding shim: the resolver.
 *
 * JCublas 12.6.0's native libraries link against libcublas.so.12 with versioned symbols
 * (version node "libcublas.so.12"); a machine with only CUDA 13 has libcublas.so.13, whose
 * symbols carry version "libcublas.so.13", so a symlink fails with "version `libcublas.so.12'
 * not found". This library has soname libcublas.so.12, defines every symbol JCublas imports under
 * that version node, and makes each one a trampoline (cublas12_trampolines.S, generated) that
 * jumps through jg_table. Entries start at a lazy stub: the first call of a symbol resolves it
 * with dlsym in libcublas.so.13 (which jgrad loads by absolute path before this shim, so dlopen
 * finds it by soname) and patches the table; later calls cost one indirect jump. A symbol that
 * libcublas.so.13 lacks prints one clear line on stderr and returns CUBLAS_STATUS_NOT_SUPPORTED.
 *
 * Trampolines jump, they never call: arguments, stack and return values pass through untouched,
 * whatever the signature.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>

/* Link against the oldest versions of the libdl functions, so a shim built on a new glibc
 * (where they moved into libc as GLIBC_2.34) still loads on old ones. */
__asm__(".symver dlopen,dlopen@GLIBC_2.2.5");
__asm__(".symver dlsym,dlsym@GLIBC_2.2.5");
__asm__(".symver dlerror,dlerror@GLIBC_2.2.5");

#include "cublas12_names.h" /* generated: JG_COUNT, jg_names[], jg_returns_string[] */

#define JG_HIDDEN __attribute__((visibility("hidden")))
#define JG_EXPORT __attribute__((visibility("default"))) /* the build hides everything else */
#define JG_STUB_BYTES 16 /* every stub is aligned to 16 bytes: stub i is at base + 16 * i */
#define JG_TARGET "libcublas.so.13"
#define CUBLAS_STATUS_NOT_SUPPORTED 15

JG_HIDDEN void *jg_table[JG_COUNT];
extern char jg_lazy_stubs[] JG_HIDDEN;    /* cublas12_trampolines.S */
extern char jg_missing_stubs[] JG_HIDDEN; /* cublas12_trampolines.S */

static void *jg_handle;

__attribute__((constructor)) static void jg_init(void) {
  for (unsigned i = 0; i < JG_COUNT; i++) {
    jg_table[i] = jg_lazy_stubs + (uintptr_t)JG_STUB_BYTES * i;
  }
}

static void *jg_open(void) {
  void *h = __atomic_load_n(&jg_handle, __ATOMIC_ACQUIRE);
  if (h != NULL) {
    return h;
  }
  h = dlopen(JG_TARGET, RTLD_NOW | RTLD_LOCAL);
  if (h == NULL) {
    const char *why = dlerror();
    fprintf(stderr, "jgrad cublas shim: cannot open " JG_TARGET " (%s); every cuBLAS call "
            "through the libcublas.so.12 shim returns CUBLAS_STATUS_NOT_SUPPORTED\n",
            why ? why : "unknown error");
    return NULL;
  }
  /* Racing threads get the same handle back from dlopen; keeping one is enough. */
  __atomic_store_n(&jg_handle, h, __ATOMIC_RELEASE);
  return h;
}

static void *jg_missing_stub(unsigned i) {
  return jg_missing_stubs + (uintptr_t)JG_STUB_BYTES * i;
}

/* Called by the lazy stubs with every argument register saved: resolves symbol i. */
JG_HIDDEN void *jg_resolve(unsigned i) {
  void *h = jg_open();
  void *p = h != NULL ? dlsym(h, jg_names[i]) : NULL;
  if (p == NULL) {
    p = jg_missing_stub(i);
  }
  __atomic_store_n(&jg_table[i], p, __ATOMIC_RELEASE);
  return p;
}

/* Reached by a tail jump from missing stub i, so it returns straight to the caller. */
JG_HIDDEN uintptr_t jg_missing(unsigned i) {
  fprintf(stderr, "jgrad cublas shim: %s is not in " JG_TARGET " (called through the "
          "libcublas.so.12 forwarding shim); returning CUBLAS_STATUS_NOT_SUPPORTED\n",
          jg_names[i]);
  /* cublasGetStatusName/String return a string: give them one rather than a bad pointer. */
  return jg_returns_string[i] ? (uintptr_t) "CUBLAS_STATUS_NOT_SUPPORTED"
                              : (uintptr_t)CUBLAS_STATUS_NOT_SUPPORTED;
}

/* Resolves every symbol now and returns how many libcublas.so.13 lacks, printing each one.
 * For tests and diagnostics; normal use resolves lazily. */
JG_EXPORT int jgrad_cublas_shim_resolve_all(void) {
  int missing = 0;
  for (unsigned i = 0; i < JG_COUNT; i++) {
    if (jg_resolve(i) == jg_missing_stub(i)) {
      fprintf(stderr, "jgrad cublas shim: %s is missing from " JG_TARGET "\n", jg_names[i]);
      missing++;
    }
  }
  return missing;
}

/* The number of symbols the shim forwards. */
JG_EXPORT int jgrad_cublas_shim_symbol_count(void) { return JG_COUNT; }
