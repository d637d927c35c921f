#include "trainer.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "gemm.h"

namespace mtrl {

namespace {
// Strict IEEE order forbids vectorising a plain float reduction; the simd pragma allows a fixed lane order.
inline float dot(const float* x, const float* y, int k) {
  float s = 0;
#pragma omp simd reduction(+ : s)
  for (int j = 0; j < k; ++j) s += x[j] * y[j];
  return s;
}

inline void biasRelu(float* row, const float* b, int m) {
#pragma omp simd
  for (int j = 0; j < m; ++j) row[j] = std::max(row[j] + b[j], 0.0f);
}
}  // namespace

Trainer::Trainer(int d_, int m_, int T_, int n_, int chunk_) : d(d_), m(m_), T(T_), n(n_), chunk(chunk_) {
  if (d <= 0 || m <= 0 || T <= 0 || n <= 0 || chunk <= 0 || chunk > T)
    throw std::invalid_argument("Trainer: d, m, T, n must be positive and 1 <= chunk <= T");
  W.assign(static_cast<size_t>(m) * d, 0.0f);
  b.assign(m, 0.0f);
  heads.assign(static_cast<size_t>(T) * m, 0.0f);
  taskLoss_.assign(T, 0.0);
  taskCorrect_.assign(T, 0.0);
}

void Trainer::setData(int slot, const float* X, const float* Y) {
  const size_t rows = static_cast<size_t>(T) * n;
  X_[slot].assign(X, X + rows * d);
  Y_[slot].assign(Y, Y + rows);
  has_[slot] = true;
}

// A = relu(X Wᵀ + b): one GEMM, then bias and ReLU fused in one pass.
void Trainer::activations(const float* X, long rows, float* A) const {
  sgemm(false, true, static_cast<int>(rows), m, d, 1.0f, X, d, W.data(), d, 0.0f, A, m);
#pragma omp parallel for schedule(static)
  for (long i = 0; i < rows; ++i) biasRelu(A + i * m, b.data(), m);
}

void Trainer::taskStats(const float* A, const float* y, const float* a, Loss loss, double* lossSum, double* correct) const {
  double l = 0, c = 0;
  for (int i = 0; i < n; ++i) {
    const double u = y[i] * (dot(A + static_cast<long>(i) * m, a, m) / m);
    l += lossValue(loss, u);
    c += u > 0 ? 1 : 0;
  }
  *lossSum = l;
  *correct = c;
}

// a -= lrHead · (1/n) Σ_i ℓ'(y f) y A_i, i.e. the step on m·∇ of the task's own mean loss. The first
// step's outputs are the round's starting outputs, so the task's statistics come from the same pass.
void Trainer::headSteps(const float* A, const float* y, float* a, const RoundSpec& spec, double* lossSum, double* correct) const {
  std::vector<float> grad(m);
  double l = 0, c = 0;
  for (int s = 0; s < spec.headSteps; ++s) {
    std::fill(grad.begin(), grad.end(), 0.0f);
    for (int i = 0; i < n; ++i) {
      const float* row = A + static_cast<long>(i) * m;
      const double u = y[i] * (dot(row, a, m) / m);
      if (s == 0 && lossSum) {
        l += lossValue(spec.loss, u);
        c += u > 0 ? 1 : 0;
      }
      const float coef = static_cast<float>(lossSlope(spec.loss, u) * y[i] / n);
      if (coef == 0.0f) continue;
      float* g = grad.data();
#pragma omp simd
      for (int j = 0; j < m; ++j) g[j] += coef * row[j];
    }
    for (int j = 0; j < m; ++j) a[j] -= spec.lrHead * grad[j];
  }
  if (lossSum) {
    *lossSum = l;
    *correct = c;
  }
}

// Rows of G = m·∂L/∂H for one task: ℓ'(y f) y a_j / (T n) where the neuron is active.
void Trainer::representationRows(const float* A, const float* y, const float* a, Loss loss, float* G) const {
  const double scale = 1.0 / (static_cast<double>(T) * n);
  for (int i = 0; i < n; ++i) {
    const float* row = A + static_cast<long>(i) * m;
    float* g = G + static_cast<long>(i) * m;
    const double u = y[i] * (dot(row, a, m) / m);
    const float coef = static_cast<float>(lossSlope(loss, u) * y[i] * scale);
#pragma omp simd
    for (int j = 0; j < m; ++j) g[j] = row[j] > 0 ? coef * a[j] : 0.0f;
  }
}

Stats Trainer::round(const RoundSpec& spec) {
  if (!has_[0] || (spec.updateRep && !has_[spec.repSlot])) throw std::logic_error("no training data was set");
  const bool split = spec.updateRep && spec.repSlot == 1;
  const size_t chunkRows = static_cast<size_t>(chunk) * n;
  A_.resize(chunkRows * m);
  if (spec.updateRep) {
    G_.resize(chunkRows * m);
    gW_.assign(static_cast<size_t>(m) * d, 0.0f);
    gb_.assign(m, 0.0f);
  }
  if (split) A2_.resize(chunkRows * m);
  for (int t0 = 0; t0 < T; t0 += chunk) {
    const int c = std::min(chunk, T - t0);
    const long rows = static_cast<long>(c) * n;
    const float* X = X_[0].data() + static_cast<size_t>(t0) * n * d;
    const float* Y = Y_[0].data() + static_cast<size_t>(t0) * n;
    const float* Xr = split ? X_[1].data() + static_cast<size_t>(t0) * n * d : X;
    const float* Yr = split ? Y_[1].data() + static_cast<size_t>(t0) * n : Y;
    // Bias and ReLU are applied per task inside the loop below, while that task's block is in cache.
    sgemm(false, true, static_cast<int>(rows), m, d, 1.0f, X, d, W.data(), d, 0.0f, A_.data(), m);
    if (split) activations(Xr, rows, A2_.data());
    const float* Ar = split ? A2_.data() : A_.data();
#pragma omp parallel for schedule(static)
    for (int k = 0; k < c; ++k) {
      const int t = t0 + k;
      const long off = static_cast<long>(k) * n;
      float* At = A_.data() + off * m;
      for (int i = 0; i < n; ++i) biasRelu(At + static_cast<long>(i) * m, b.data(), m);
      float* a = heads.data() + static_cast<size_t>(t) * m;
      const bool fused = !spec.headsAfter && spec.headSteps > 0;
      if (fused)
        headSteps(At, Y + off, a, spec, &taskLoss_[t], &taskCorrect_[t]);
      else
        taskStats(At, Y + off, a, spec.loss, &taskLoss_[t], &taskCorrect_[t]);
      if (spec.updateRep) representationRows(Ar + off * m, Yr + off, a, spec.loss, G_.data() + off * m);
      if (spec.headsAfter) headSteps(At, Y + off, a, spec, nullptr, nullptr);
    }
    if (spec.updateRep) {
      sgemm(true, false, m, d, static_cast<int>(rows), 1.0f, G_.data(), m, Xr, d, 1.0f, gW_.data(), d);
      if (spec.trainBias) {
        const float* G = G_.data();
#pragma omp parallel for schedule(static)
        for (int j = 0; j < m; ++j) {
          float s = 0;
          for (long i = 0; i < rows; ++i) s += G[i * m + j];
          gb_[j] += s;
        }
      }
    }
  }
  if (spec.updateRep) {
    const size_t size = W.size();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < static_cast<long>(size); ++i) W[i] -= spec.lrRep * (gW_[i] + spec.weightDecay * W[i]);
    if (spec.trainBias)
      for (int j = 0; j < m; ++j) b[j] -= spec.lrRep * gb_[j];
  }
  return meanStats();
}

Stats Trainer::evaluate(Loss loss, int slot) {
  if (!has_[slot]) throw std::logic_error("no training data was set");
  A_.resize(static_cast<size_t>(chunk) * n * m);
  for (int t0 = 0; t0 < T; t0 += chunk) {
    const int c = std::min(chunk, T - t0);
    activations(X_[slot].data() + static_cast<size_t>(t0) * n * d, static_cast<long>(c) * n, A_.data());
#pragma omp parallel for schedule(static)
    for (int k = 0; k < c; ++k) {
      const long off = static_cast<long>(k) * n;
      taskStats(A_.data() + off * m, Y_[slot].data() + static_cast<size_t>(t0) * n + off, heads.data() + static_cast<size_t>(t0 + k) * m,
                loss, &taskLoss_[t0 + k], &taskCorrect_[t0 + k]);
    }
  }
  return meanStats();
}

// Summed in task order, so the result does not depend on how threads split the tasks.
Stats Trainer::meanStats() const {
  double loss = 0, correct = 0;
  for (int t = 0; t < T; ++t) {
    loss += taskLoss_[t];
    correct += taskCorrect_[t];
  }
  const double total = static_cast<double>(T) * n;
  return {loss / total, correct / total};
}

void Trainer::features(const float* X, long count, float* out) const {
  const long block = std::max<long>(1, (1L << 22) / m);
  for (long i0 = 0; i0 < count; i0 += block) activations(X + i0 * d, std::min(block, count - i0), out + i0 * m);
}

}  // namespace mtrl
