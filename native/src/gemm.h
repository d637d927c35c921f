#pragma once
#include <string>

namespace mtrl {

// Row-major C = alpha · op(A) · op(B) + beta · C, op(A) M×K, op(B) K×N.
void sgemm(bool transA, bool transB, int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb,
           float beta, float* C, int ldc);

// The portable cache-blocked kernel the build falls back to without BLAS (exposed for its test).
void sgemmFallback(bool transA, bool transB, int M, int N, int K, float alpha, const float* A, int lda, const float* B,
                   int ldb, float beta, float* C, int ldc);

const char* blasName();
void setThreads(int threads);
int threads();

}  // namespace mtrl
