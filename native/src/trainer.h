#pragma once
#include <vector>

#include "losses.h"

namespace mtrl {

// Mirrors RoundSpec in lab/backends/types.ts.
struct RoundSpec {
  Loss loss = Loss::Logistic;
  float lrHead = 0, lrRep = 0, weightDecay = 0;
  int headSteps = 0;
  bool headsAfter = false;
  bool updateRep = false;
  bool trainBias = false;
  int repSlot = 0;
};

struct Stats {
  double loss;
  double accuracy;
};

// The two-layer ReLU multi-task model and its data, trained in chunks of tasks so buffers stay bounded.
class Trainer {
 public:
  Trainer(int d, int m, int T, int n, int chunk);

  void setData(int slot, const float* X, const float* Y);
  bool hasData(int slot) const { return has_[slot]; }
  Stats round(const RoundSpec& spec);
  Stats evaluate(Loss loss, int slot);
  void features(const float* X, long count, float* out) const;

  int d, m, T, n, chunk;
  std::vector<float> W, b, heads;

 private:
  void activations(const float* X, long rows, float* A) const;
  void headSteps(const float* A, const float* y, float* a, const RoundSpec& spec, double* lossSum, double* correct) const;
  void representationRows(const float* A, const float* y, const float* a, Loss loss, float* G) const;
  Stats meanStats() const;
  void taskStats(const float* A, const float* y, const float* a, Loss loss, double* lossSum, double* correct) const;

  std::vector<float> X_[2], Y_[2];
  bool has_[2] = {false, false};
  std::vector<float> A_, A2_, G_, gW_, gb_;
  std::vector<double> taskLoss_, taskCorrect_;
};

}  // namespace mtrl
