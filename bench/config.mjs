// Run counts, sizes and bounds of `make bench` (bench/run.mjs) and of bench/selfcheck.mjs.
//   BENCH_RUNS=N      pairs per trigger figure (default 20); report sweeps max(6, round(0.45 N)), 9 by default;
//                     builds min(N, 3). More runs narrow the intervals; the verdict rule stays the same.
//   BENCH_SIZES=a,b,… app counts of the report sweeps (default 1,1000,2000,4000,8000; at least 3, increasing)
export const RUNS = Math.max(6, Number(process.env.BENCH_RUNS) || 20);
export const SWEEPS = Math.max(6, Math.round(0.45 * RUNS));
export const BUILDS = Math.min(RUNS, 3);
// The 1-app sweep point pins the line's fixed cost (Node start, bundle load, the Docker call), so curvature cannot
// hide in a fitted intercept; the others grow by steps hundreds of milliseconds long.
export const SIZES = (process.env.BENCH_SIZES || '1,1000,2000,4000,8000').split(',').map(Number);
if (SIZES.length < 3 || SIZES.some((n, i) => !(n > 0) || (i && n <= SIZES[i - 1]))) throw new Error('BENCH_SIZES: at least 3 increasing app counts');

/** TRIGGER_BOUND: a docker-args trigger may cost at most this many `sh -c true` starts. */
export const TRIGGER_BOUND = 2;
/**
 * EXCESS_BOUND: at the largest size, the CPU time may exceed the line through the smaller sizes by this fraction of
 * the line's growth there. A linear report sits at or below 0 (today about -10 %: its per-app cost falls a little as
 * Node's JIT warms up), and the interval's low end, the one the verdict reads, stays far below the bound even on a
 * loaded machine. With the default sizes, t = a + bN + cN² gives +20 % when the quadratic term is half the linear one
 * at 8000 apps, +34 % when they are equal and up to +99 % when it dominates; bench/selfcheck.mjs shows quadratic
 * subjects failing.
 */
export const EXCESS_BOUND = 0.1;
