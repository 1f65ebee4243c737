// Pure statistics of `make bench`: medians with distribution-free intervals, least-squares lines, and the verdict rule.
// No randomness: the same timings always give the same figures, so only the machine's noise can move a verdict.

export const sorted = (values) => [...values].sort((a, b) => a - b);

export function median(values) {
  const s = sorted(values);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** binomialCdf is P(B <= k) for B ~ Binomial(n, 1/2). */
function binomialCdf(k, n) {
  let sum = 0;
  let term = 1; // C(n, 0)
  for (let i = 0; i <= k; i++) {
    sum += term;
    term = (term * (n - i)) / (i + 1);
  }
  return sum / 2 ** n;
}

/**
 * medianInterval is the order-statistic confidence interval of the median: [x(j), x(n+1-j)] of the sorted values
 * covers the true median with probability 1 - 2 P(B <= j-1), B ~ Binomial(n, 1/2), whatever the distribution (runs
 * need only be independent). j is the largest rank that keeps the coverage at or above `level`; below 6 values no rank
 * reaches 95 % and the interval is min–max. Returns { low, high, coverage }.
 */
export function medianInterval(values, level = 0.95) {
  const s = sorted(values);
  const n = s.length;
  let j = 1;
  while (j + 1 <= (n + 1) / 2 && 1 - 2 * binomialCdf(j, n) >= level) j++;
  return { low: s[j - 1], high: s[n - j], coverage: 1 - 2 * binomialCdf(j - 1, n) };
}

/** summary is a figure's median and its interval over the runs. */
export const summary = (values) => ({ median: median(values), ...medianInterval(values), min: Math.min(...values), max: Math.max(...values), n: values.length });

/** fitLine is the least-squares line y = intercept + slope * x through the points. */
export function fitLine(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/**
 * sweepFigures are the growth figures of one sweep (one time per size, all measured back to back):
 * - perItem: the slope of the least-squares line over all sizes (cost of one more item);
 * - excess: how far the largest size sits above the line fitted on the smaller sizes, as a fraction of that line's
 *   growth term at the largest size: (t_max - line(n_max)) / (slope_small * n_max). For a linear subject it is 0 up to
 *   noise; it is the extra cost per item at the largest size relative to the smaller sizes' per-item cost.
 */
export function sweepFigures(sizes, times) {
  const all = fitLine(sizes, times);
  const small = fitLine(sizes.slice(0, -1), times.slice(0, -1));
  const last = sizes.length - 1;
  const growth = small.slope * sizes[last];
  const excess = growth > 0 ? (times[last] - (small.intercept + growth)) / growth : Number.POSITIVE_INFINITY;
  return { perItem: all.slope, excess };
}

/**
 * verdict of a figure with an upper bound: OVER only when the whole interval is past the bound (the low end too), so
 * noise that merely widens the interval can never fail a run; `ok*` when the interval reaches past the bound but not
 * all of it (passes; worth a look); ok otherwise.
 */
export const verdict = (interval, bound) => (interval.low > bound ? 'OVER' : interval.high > bound ? 'ok*' : 'ok');
