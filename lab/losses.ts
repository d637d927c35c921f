import type { LossName } from './schema';

/** Each loss is a function of the margin u = y·f; backends must match these definitions. */
export type MarginLoss = { value(u: number): number; slope(u: number): number };

export const LOSS_FUNCTIONS: Record<LossName, MarginLoss> = {
  logistic: {
    value: (u) => (u > 0 ? Math.log1p(Math.exp(-u)) : -u + Math.log1p(Math.exp(u))),
    slope: (u) => -1 / (1 + Math.exp(u)),
  },
  hinge: {
    value: (u) => Math.max(0, 1 - u),
    slope: (u) => (u < 1 ? -1 : 0),
  },
  squared: {
    value: (u) => 0.5 * (1 - u) * (1 - u),
    slope: (u) => u - 1,
  },
  correlation: {
    value: (u) => -u,
    slope: () => -1,
  },
};
