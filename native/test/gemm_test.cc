// Checks the portable GEMM and the linked one against a double-precision triple loop, for every transpose.
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "gemm.h"

int main() {
  std::mt19937 gen(7);
  std::normal_distribution<float> normal;
  int failures = 0;
  const int shapes[][3] = {{1, 1, 1}, {7, 5, 3}, {33, 300, 17}, {64, 513, 260}};
  for (auto& s : shapes) {
    const int M = s[0], N = s[1], K = s[2];
    for (int ta = 0; ta < 2; ++ta)
      for (int tb = 0; tb < 2; ++tb) {
        std::vector<float> A(M * K), B(K * N), C0(M * N), C1, C2;
        for (auto& v : A) v = normal(gen);
        for (auto& v : B) v = normal(gen);
        for (auto& v : C0) v = normal(gen);
        C1 = C0;
        C2 = C0;
        const int lda = ta ? M : K, ldb = tb ? K : N;
        mtrl::sgemmFallback(ta, tb, M, N, K, 0.5f, A.data(), lda, B.data(), ldb, 2.0f, C1.data(), N);
        mtrl::sgemm(ta, tb, M, N, K, 0.5f, A.data(), lda, B.data(), ldb, 2.0f, C2.data(), N);
        double worst = 0;
        for (int i = 0; i < M; ++i)
          for (int j = 0; j < N; ++j) {
            double ref = 2.0 * C0[i * N + j];
            for (int k = 0; k < K; ++k)
              ref += 0.5 * (ta ? A[k * M + i] : A[i * K + k]) * (tb ? B[j * K + k] : B[k * N + j]);
            const double tol = 1e-4 * (1 + std::sqrt(static_cast<double>(K)));
            worst = std::max(worst, std::max(std::fabs(C1[i * N + j] - ref), std::fabs(C2[i * N + j] - ref)) / tol);
          }
        if (worst > 1) {
          std::printf("FAIL %dx%dx%d transA=%d transB=%d: error %.3g tolerances\n", M, N, K, ta, tb, worst);
          ++failures;
        }
      }
  }
  std::printf("gemm_test (%s): %s\n", mtrl::blasName(), failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}
