/**
 * Pass criteria of the reproduction claims, as pure functions of result tables so each can be tested on
 * synthetic tables. Thresholds follow from the claims' wording and are stated in the report; they were
 * fixed before the suite was run.
 */

export interface Verdict {
  supported: boolean;
  explanation: string;
}

/** Spearman rank correlation (average ranks for ties). */
export function spearman(x: number[], y: number[]): number {
  const rank = (v: number[]) => {
    const order = v.map((value, i) => ({ value, i })).sort((a, b) => a.value - b.value);
    const r = new Array<number>(v.length);
    for (let k = 0; k < order.length; ) {
      let j = k;
      while (j + 1 < order.length && order[j + 1].value === order[k].value) j++;
      for (let q = k; q <= j; q++) r[order[q].i] = (k + j) / 2;
      k = j + 1;
    }
    return r;
  };
  const rx = rank(x);
  const ry = rank(y);
  const n = x.length;
  const mx = rx.reduce((a, b) => a + b, 0) / n;
  const my = ry.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

export const TREND_RHO = -0.9;
export const FAR_BELOW = 0.5;

/** Claim 1 (and 6): sinTheta and 1 − energy fall with T, and sinTheta at the largest T is at most half its T = 1 value. */
export function recoveryTrend(rows: Array<{ T: number; sinTheta: number; energy: number }>): Verdict & { rhoSin: number; rhoGap: number; ratio: number } {
  const sorted = [...rows].sort((a, b) => a.T - b.T);
  const T = sorted.map((r) => r.T);
  const rhoSin = spearman(T, sorted.map((r) => r.sinTheta));
  const rhoGap = spearman(T, sorted.map((r) => 1 - r.energy));
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const ratio = last.sinTheta / first.sinTheta;
  const supported = first.T === 1 && rhoSin <= TREND_RHO && rhoGap <= TREND_RHO && ratio <= FAR_BELOW;
  return {
    supported,
    rhoSin,
    rhoGap,
    ratio,
    explanation: `Spearman ρ(T, sinθ) = ${rhoSin.toFixed(2)}, ρ(T, 1−energy) = ${rhoGap.toFixed(2)} (need ≤ ${TREND_RHO}); sinθ at T = ${last.T} is ${ratio.toFixed(2)}× its T = ${first.T} value (need ≤ ${FAR_BELOW}, starting from T = 1).`,
  };
}

export const RECOVERED_ANGLE_DEG = 30;
export const SINGLE_MAX_FRACTION = 0.25;
export const MULTI_MIN_FRACTION = 0.75;

/** Claim 2: few single-task draws recover all r directions (every principal angle < 30°), most multi-task draws do. */
export function singleTaskShortfall(single: number[][], multi: number[][]): Verdict & { singleAll: number; multiAll: number; singleDirections: number } {
  const limit = (RECOVERED_ANGLE_DEG * Math.PI) / 180;
  const allRecovered = (angles: number[]) => angles.every((a) => a < limit);
  const fraction = (draws: number[][]) => draws.filter(allRecovered).length / Math.max(1, draws.length);
  const singleAll = fraction(single);
  const multiAll = fraction(multi);
  const singleDirections = single.reduce((s, a) => s + a.filter((x) => x < limit).length, 0) / Math.max(1, single.length);
  return {
    supported: single.length > 0 && multi.length > 0 && singleAll <= SINGLE_MAX_FRACTION && multiAll >= MULTI_MIN_FRACTION,
    singleAll,
    multiAll,
    singleDirections,
    explanation: `${(singleAll * 100).toFixed(0)}% of ${single.length} single-task draws recover all directions (need ≤ ${SINGLE_MAX_FRACTION * 100}%); ${(multiAll * 100).toFixed(0)}% of multi-task runs on the same seeds do (need ≥ ${MULTI_MIN_FRACTION * 100}%). A single task recovers ${singleDirections.toFixed(2)} directions on average.`,
  };
}

export const FLAT_DROP = 0.05;
export const DEGRADE_DROP = 0.1;

/** Claim 3: downstream accuracy at small n falls by at most 0.05 from the smallest to the largest d on pretrained features, by at least 0.10 on random ones. */
export function flatInD(pretrained: Array<{ d: number; accuracy: number }>, random: Array<{ d: number; accuracy: number }>): Verdict & { pretrainedDrop: number; randomDrop: number } {
  const drop = (rows: Array<{ d: number; accuracy: number }>) => {
    const s = [...rows].sort((a, b) => a.d - b.d);
    return s[0].accuracy - s[s.length - 1].accuracy;
  };
  const pretrainedDrop = drop(pretrained);
  const randomDrop = drop(random);
  return {
    supported: pretrainedDrop <= FLAT_DROP && randomDrop >= DEGRADE_DROP,
    pretrainedDrop,
    randomDrop,
    explanation: `From the smallest to the largest d, pretrained accuracy drops by ${pretrainedDrop.toFixed(3)} (need ≤ ${FLAT_DROP}) and random-features accuracy by ${randomDrop.toFixed(3)} (need ≥ ${DEGRADE_DROP}).`,
  };
}

/** Claim 4: pretrained features at the smallest width beat random features at the largest width. */
export function neuronAdvantage(pretrained: Array<{ m: number; accuracy: number }>, random: Array<{ m: number; accuracy: number }>): Verdict & { widthRatio: number } {
  const p = [...pretrained].sort((a, b) => a.m - b.m)[0];
  const r = [...random].sort((a, b) => b.m - a.m)[0];
  const widthRatio = r.m / p.m;
  return {
    supported: p.accuracy > r.accuracy,
    widthRatio,
    explanation: `Pretrained features with m = ${p.m} reach ${p.accuracy.toFixed(3)}; random features with m = ${r.m} (${widthRatio}× wider) reach ${r.accuracy.toFixed(3)} (need pretrained > random).`,
  };
}

export const MIN_RISE = 0.2;
export const MAX_ABLATION_SHARE = 0.5;

/**
 * Claim 5: the pseudo-contrastive diagnostic rises by at least 0.2 during the paper's pretraining, and each
 * ablation without head adaptation keeps at most half of the paper's energy gain over its initial energy.
 */
export function mechanism(
  paper: { riseContrastive: number; energyGain: number },
  ablations: Array<{ label: string; energyGain: number }>,
): Verdict & { shares: Record<string, number> } {
  const shares = Object.fromEntries(ablations.map((a) => [a.label, paper.energyGain > 0 ? a.energyGain / paper.energyGain : Infinity]));
  const supported = paper.riseContrastive >= MIN_RISE && ablations.length > 0 && Object.values(shares).every((s) => s <= MAX_ABLATION_SHARE);
  return {
    supported,
    shares,
    explanation: `The diagnostic rises by ${paper.riseContrastive.toFixed(3)} (need ≥ ${MIN_RISE}); the ablations keep ${Object.entries(shares)
      .map(([k, v]) => `${k}: ${(v * 100).toFixed(0)}%`)
      .join(', ')} of the paper's energy gain (need ≤ ${MAX_ABLATION_SHARE * 100}% each).`,
  };
}
