#pragma once
#include <cmath>

namespace mtrl {

// Same ids and definitions as lab/losses.ts: functions of the margin u = y·f.
enum class Loss { Logistic = 0, Hinge = 1, Squared = 2, Correlation = 3 };

inline double lossValue(Loss loss, double u) {
  switch (loss) {
    case Loss::Logistic: return u > 0 ? std::log1p(std::exp(-u)) : -u + std::log1p(std::exp(u));
    case Loss::Hinge: return u < 1 ? 1 - u : 0;
    case Loss::Squared: return 0.5 * (1 - u) * (1 - u);
    case Loss::Correlation: return -u;
  }
  return 0;
}

inline double lossSlope(Loss loss, double u) {
  switch (loss) {
    case Loss::Logistic: return -1 / (1 + std::exp(u));
    case Loss::Hinge: return u < 1 ? -1 : 0;
    case Loss::Squared: return u - 1;
    case Loss::Correlation: return -1;
  }
  return 0;
}

}  // namespace mtrl
