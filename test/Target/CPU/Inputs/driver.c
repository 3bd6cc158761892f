/*===- driver.c - Calls a cascadec-built attention through its C ABI ------===*\
|*                                                                            *|
|* Part of Cascade.                                                           *|
|*                                                                            *|
|*===----------------------------------------------------------------------===*|
|*                                                                            *|
|* Usage:                                                                     *|
|*   driver [--bf16] LIB.so FN B HQ HKV N M D DV CAUSAL [SCALE]               *|
|*                                                                            *|
|* Loads LIB.so, looks up `_mlir_ciface_FN`, calls it on deterministic        *|
|* q [B,HQ,N,D], k [B,HKV,M,D], v [B,HKV,M,DV], out [B,HQ,N,DV] passed as     *|
|* rank-4 memref descriptors (inputs first, then the caller-allocated         *|
|* result), and compares with a double-precision softmax attention computed   *|
|* here. CAUSAL is 0 (none), 1 (top-left: key m is visible to query p when    *|
|* m <= p) or 2 (bottom-right: when m <= p + M - N); SCALE defaults to        *|
|* 1/sqrt(D). The function is also run from several threads at once, each    *|
|* with an 8 MiB stack, which must give bitwise the same output. Prints       *|
|* `heap_growth_per_call=<bytes>` (what repeated calls leave allocated on the *|
|* heap; `unknown` without glibc), `max_abs_err=<value>`, and `OK` when the   *|
|* error is below 1e-5 and the threads agree. With --bf16 the tensors hold    *|
|* bfloat16 (uint16_t bits; the inputs the same values rounded to nearest     *|
|* even), the reference computes from those values, and `OK` needs the error  *|
|* below 1e-2 of the largest |reference| value (`max_rel_err=<value>`).       *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#include <dlfcn.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MLIR's ranked memref descriptor for rank 4, of f32 or (--bf16) of bf16
   elements held as uint16_t. */
typedef struct {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[4];
  int64_t strides[4];
} MemRef4D;

/* Whether the tensors are bf16 (--bf16). */
static int bf16 = 0;

static size_t elementBytes(void) { return bf16 ? 2 : 4; }

/* The bf16 bits nearest to `x` (ties to even; x finite). */
static uint16_t toBF16(float x) {
  uint32_t bits;
  memcpy(&bits, &x, sizeof(bits));
  bits += 0x7fff + ((bits >> 16) & 1);
  return (uint16_t)(bits >> 16);
}

static float fromBF16(uint16_t h) {
  uint32_t bits = (uint32_t)h << 16;
  float x;
  memcpy(&x, &bits, sizeof(x));
  return x;
}

typedef void (*AttentionFn)(MemRef4D *q, MemRef4D *k, MemRef4D *v,
                            MemRef4D *out);

enum { kNumThreads = 4 };

/* The stack of each calling thread: a common default for threads. */
static const size_t kThreadStackBytes = 8u << 20;

/* A contiguous, row-major descriptor of the given shape, zero-filled. */
static MemRef4D makeMemRef(int64_t d0, int64_t d1, int64_t d2, int64_t d3) {
  MemRef4D m;
  size_t count = (size_t)(d0 * d1 * d2 * d3);
  m.allocated = calloc(count ? count : 1, elementBytes());
  if (!m.allocated) {
    fprintf(stderr, "driver: out of memory\n");
    exit(2);
  }
  m.aligned = m.allocated;
  m.offset = 0;
  m.sizes[0] = d0;
  m.sizes[1] = d1;
  m.sizes[2] = d2;
  m.sizes[3] = d3;
  m.strides[3] = 1;
  m.strides[2] = d3;
  m.strides[1] = d2 * d3;
  m.strides[0] = d1 * d2 * d3;
  return m;
}

static size_t numElements(const MemRef4D *m) {
  return (size_t)(m->sizes[0] * m->sizes[1] * m->sizes[2] * m->sizes[3]);
}

/* The value of element (i0, i1, i2, i3). */
static double at(MemRef4D *m, int64_t i0, int64_t i1, int64_t i2, int64_t i3) {
  int64_t i = m->offset + i0 * m->strides[0] + i1 * m->strides[1] +
              i2 * m->strides[2] + i3 * m->strides[3];
  return bf16 ? fromBF16(((uint16_t *)m->aligned)[i])
              : ((float *)m->aligned)[i];
}

/* Fills `m` with values in [-1, 1) from a linear congruential generator. */
static void fill(MemRef4D *m, uint64_t seed) {
  uint64_t state = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  for (size_t i = 0, e = numElements(m); i < e; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    float x = (float)((double)(state >> 11) / 4503599627370496.0 - 1.0);
    if (bf16)
      ((uint16_t *)m->aligned)[i] = toBF16(x);
    else
      ((float *)m->aligned)[i] = x;
  }
}

static int64_t parseInt(const char *text, const char *what) {
  char *end = NULL;
  long long value = strtoll(text, &end, 10);
  if (!*text || *end || value < 0) {
    fprintf(stderr, "driver: bad %s '%s'\n", what, text);
    exit(2);
  }
  return (int64_t)value;
}

typedef struct {
  AttentionFn fn;
  MemRef4D *q, *k, *v;
  MemRef4D out;
} ThreadJob;

static void *runJob(void *arg) {
  ThreadJob *job = (ThreadJob *)arg;
  job->fn(job->q, job->k, job->v, &job->out);
  return NULL;
}

/* Prints how many bytes each further call leaves allocated on the heap. */
static void printHeapGrowth(AttentionFn fn, MemRef4D *q, MemRef4D *k,
                            MemRef4D *v, MemRef4D *out) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
  enum { kCalls = 8 };
  /* glibc counts the chunks its per-thread caches keep (up to 7 of a size,
     on each thread of the parallel loop) as allocated: calls first fill
     them, then a call that frees what it allocates leaves the count as it
     was. */
  for (int i = 0; i < kCalls; ++i)
    fn(q, k, v, out);
  size_t before = mallinfo2().uordblks;
  for (int i = 0; i < kCalls; ++i)
    fn(q, k, v, out);
  size_t after = mallinfo2().uordblks;
  printf("heap_growth_per_call=%zu\n",
         after > before ? (after - before) / kCalls : (size_t)0);
#else
  (void)fn, (void)q, (void)k, (void)v, (void)out;
  printf("heap_growth_per_call=unknown\n");
#endif
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--bf16") == 0) {
    bf16 = 1;
    argv[1] = argv[0];
    ++argv;
    --argc;
  }
  if (argc != 11 && argc != 12) {
    fprintf(stderr,
            "usage: %s [--bf16] LIB.so FN B HQ HKV N M D DV CAUSAL [SCALE]\n",
            argv[0]);
    return 2;
  }
  const char *library = argv[1];
  const char *function = argv[2];
  int64_t b = parseInt(argv[3], "B"), hq = parseInt(argv[4], "HQ");
  int64_t hkv = parseInt(argv[5], "HKV"), n = parseInt(argv[6], "N");
  int64_t m = parseInt(argv[7], "M"), d = parseInt(argv[8], "D");
  int64_t dv = parseInt(argv[9], "DV"), causal = parseInt(argv[10], "CAUSAL");
  double scale = argc == 12 ? atof(argv[11]) : 1.0 / sqrt((double)d);
  if (hkv == 0 || hq % hkv != 0 || causal > 2) {
    fprintf(stderr, "driver: inconsistent arguments\n");
    return 2;
  }

  void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    fprintf(stderr, "driver: dlopen failed: %s\n", dlerror());
    return 1;
  }
  char symbol[256];
  snprintf(symbol, sizeof(symbol), "_mlir_ciface_%s", function);
  AttentionFn fn;
  *(void **)&fn = dlsym(handle, symbol);
  if (!fn) {
    fprintf(stderr, "driver: no symbol %s in %s\n", symbol, library);
    return 1;
  }

  MemRef4D q = makeMemRef(b, hq, n, d);
  MemRef4D k = makeMemRef(b, hkv, m, d);
  MemRef4D v = makeMemRef(b, hkv, m, dv);
  MemRef4D out = makeMemRef(b, hq, n, dv);
  fill(&q, 1);
  fill(&k, 2);
  fill(&v, 3);
  fn(&q, &k, &v, &out);
  printHeapGrowth(fn, &q, &k, &v, &out);

  /* The reference, in double precision. */
  int64_t group = hq / hkv;
  double *scores = (double *)malloc((size_t)(m ? m : 1) * sizeof(double));
  double maxErr = 0.0, maxRef = 0.0;
  for (int64_t ib = 0; ib < b; ++ib)
    for (int64_t ih = 0; ih < hq; ++ih)
      for (int64_t ip = 0; ip < n; ++ip) {
        int64_t kvh = ih / group;
        double rowMax = -INFINITY;
        for (int64_t im = 0; im < m; ++im) {
          int visible = causal == 0   ? 1
                        : causal == 1 ? im <= ip
                                      : im <= ip + (m - n);
          if (!visible) {
            scores[im] = -INFINITY;
            continue;
          }
          double dot = 0.0;
          for (int64_t ie = 0; ie < d; ++ie)
            dot += at(&q, ib, ih, ip, ie) * at(&k, ib, kvh, im, ie);
          scores[im] = dot * scale;
          if (scores[im] > rowMax)
            rowMax = scores[im];
        }
        double denominator = 0.0;
        for (int64_t im = 0; im < m; ++im) {
          scores[im] = isinf(scores[im]) ? 0.0 : exp(scores[im] - rowMax);
          denominator += scores[im];
        }
        for (int64_t iff = 0; iff < dv; ++iff) {
          double expected = 0.0;
          for (int64_t im = 0; im < m; ++im)
            expected += scores[im] * at(&v, ib, kvh, im, iff);
          if (denominator > 0.0)
            expected /= denominator;
          if (fabs(expected) > maxRef)
            maxRef = fabs(expected);
          double err = fabs(expected - at(&out, ib, ih, ip, iff));
          if (!(err <= maxErr))
            maxErr = err; /* also catches NaN */
        }
      }
  printf("max_abs_err=%g\n", maxErr);
  double maxRelErr = maxRef > 0.0 ? maxErr / maxRef : maxErr;
  if (bf16)
    printf("max_rel_err=%g\n", maxRelErr);

  /* Reentrancy: concurrent calls with separate outputs agree bitwise. */
  ThreadJob jobs[kNumThreads];
  pthread_t threads[kNumThreads];
  int sameAcrossThreads = 1;
  pthread_attr_t attributes;
  if (pthread_attr_init(&attributes) != 0 ||
      pthread_attr_setstacksize(&attributes, kThreadStackBytes) != 0) {
    fprintf(stderr, "driver: cannot set up thread attributes\n");
    return 1;
  }
  for (int t = 0; t < kNumThreads; ++t) {
    jobs[t].fn = fn;
    jobs[t].q = &q;
    jobs[t].k = &k;
    jobs[t].v = &v;
    jobs[t].out = makeMemRef(b, hq, n, dv);
    if (pthread_create(&threads[t], &attributes, runJob, &jobs[t]) != 0) {
      fprintf(stderr, "driver: cannot create a thread\n");
      return 1;
    }
  }
  pthread_attr_destroy(&attributes);
  for (int t = 0; t < kNumThreads; ++t) {
    pthread_join(threads[t], NULL);
    if (memcmp(jobs[t].out.aligned, out.aligned,
               numElements(&out) * elementBytes()) != 0)
      sameAcrossThreads = 0;
    free(jobs[t].out.allocated);
  }
  printf("threads=%s\n", sameAcrossThreads ? "same" : "DIFFERENT");

  int ok = (bf16 ? maxRelErr < 1e-2 : maxErr < 1e-5) && sameAcrossThreads;
  printf("%s\n", ok ? "OK" : "FAIL");
  free(scores);
  free(q.allocated);
  free(k.allocated);
  free(v.allocated);
  free(out.allocated);
  dlclose(handle);
  return ok ? 0 : 1;
}
