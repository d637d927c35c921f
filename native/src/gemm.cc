#include "gemm.h"

#include <algorithm>
#include <thread>
#include <vector>

#if defined(MTRL_CBLAS_OPENBLAS)
#include <cblas.h>
#elif defined(MTRL_CBLAS_ACCELERATE)
#include <Accelerate/Accelerate.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

namespace mtrl {

namespace {
int g_threads = 0;

int defaultThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}
}  // namespace

const char* blasName() { return MTRL_BLAS_NAME; }

void setThreads(int threads) {
  g_threads = threads > 0 ? threads : defaultThreads();
#if defined(MTRL_CBLAS_OPENBLAS)
  openblas_set_num_threads(g_threads);
#endif
#ifdef _OPENMP
  omp_set_num_threads(g_threads);
#endif
}

int threads() {
  if (g_threads == 0) setThreads(0);
  return g_threads;
}

void sgemm(bool transA, bool transB, int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb,
           float beta, float* C, int ldc) {
  if (M == 0 || N == 0) return;
#if defined(MTRL_CBLAS_OPENBLAS) || defined(MTRL_CBLAS_ACCELERATE)
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, M, N, K, alpha, A, lda,
              B, ldb, beta, C, ldc);
#else
  sgemmFallback(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
#endif
}

// Packs a KC×NC panel of op(B) so the inner loop streams contiguous memory and vectorises.
void sgemmFallback(bool transA, bool transB, int M, int N, int K, float alpha, const float* A, int lda, const float* B,
                   int ldb, float beta, float* C, int ldc) {
  constexpr int KC = 256, NC = 512;
  for (int i = 0; i < M; ++i) {
    float* c = C + static_cast<long>(i) * ldc;
    if (beta == 0.0f)
      std::fill(c, c + N, 0.0f);
    else if (beta != 1.0f)
      for (int j = 0; j < N; ++j) c[j] *= beta;
  }
  if (K == 0) return;
  std::vector<float> panel(static_cast<size_t>(KC) * NC);
  for (int k0 = 0; k0 < K; k0 += KC) {
    const int kc = std::min(KC, K - k0);
    for (int j0 = 0; j0 < N; j0 += NC) {
      const int nc = std::min(NC, N - j0);
      for (int k = 0; k < kc; ++k)
        for (int j = 0; j < nc; ++j)
          panel[static_cast<size_t>(k) * nc + j] =
              transB ? B[static_cast<long>(j0 + j) * ldb + (k0 + k)] : B[static_cast<long>(k0 + k) * ldb + (j0 + j)];
#pragma omp parallel for schedule(static)
      for (int i = 0; i < M; ++i) {
        float* c = C + static_cast<long>(i) * ldc + j0;
        for (int k = 0; k < kc; ++k) {
          const float a = alpha * (transA ? A[static_cast<long>(k0 + k) * lda + i] : A[static_cast<long>(i) * lda + k0 + k]);
          if (a == 0.0f) continue;
          const float* p = panel.data() + static_cast<size_t>(k) * nc;
          for (int j = 0; j < nc; ++j) c[j] += a * p[j];
        }
      }
    }
  }
}

}  // namespace mtrl
