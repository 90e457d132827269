// Hot spots people can act on: significant cells joined into areas, with the reports inside them. Pure.

/** A spot is only called one when its own cells hold at least this many reports, by default. */
export const SPOT_MIN_REPORTS = 3;
/** Cells at 95 % confidence or more make spots; 90 % cells are drawn but do not found a spot alone. */
export const SPOT_MIN_BIN = 2;

export interface SpotCells {
  /** Cell column and row on the grid. */
  col: ArrayLike<number>;
  row: ArrayLike<number>;
  count: ArrayLike<number>;
  bin: ArrayLike<number>;
  z: ArrayLike<number>;
}

export interface Spot {
  /** Indices of the cells joined, in the order given. */
  cells: number[];
  /** The cell holding the most reports: where the spot is named from. */
  heart: number;
  reports: number;
  maxZ: number;
  confidence: 95 | 99;
}

/**
 * Hot cells of at least `minBin` that hold reports, joined with those they touch (sides or corners) into spots;
 * cells hot only through their neighbours (no report) neither found nor bridge spots, so a market and a bus
 * station two empty cells apart stay two places. Spots whose cells hold fewer than `minReports` reports are left
 * out: a neighbourhood of five reports is not somewhere to send a team. Largest first.
 */
export function joinSpots(cells: SpotCells, opts: { minReports?: number; minBin?: number } = {}): Spot[] {
  const minReports = opts.minReports ?? SPOT_MIN_REPORTS;
  const minBin = opts.minBin ?? SPOT_MIN_BIN;
  const key = (c: number, r: number) => `${c},${r}`;
  const hot = new Map<string, number>();
  for (let i = 0; i < cells.bin.length; i++) if (cells.bin[i]! >= minBin && cells.count[i]! > 0) hot.set(key(cells.col[i]!, cells.row[i]!), i);
  const seen = new Set<number>();
  const spots: Spot[] = [];
  for (const start of hot.values()) {
    if (seen.has(start)) continue;
    const members: number[] = [];
    const stack = [start];
    seen.add(start);
    while (stack.length) {
      const i = stack.pop()!;
      members.push(i);
      for (let dc = -1; dc <= 1; dc++) {
        for (let dr = -1; dr <= 1; dr++) {
          const j = hot.get(key(cells.col[i]! + dc, cells.row[i]! + dr));
          if (j !== undefined && !seen.has(j)) {
            seen.add(j);
            stack.push(j);
          }
        }
      }
    }
    members.sort((a, b) => a - b);
    const reports = members.reduce((s, i) => s + cells.count[i]!, 0);
    if (reports < minReports) continue;
    spots.push({
      cells: members,
      heart: members.reduce((best, i) => (cells.count[i]! > cells.count[best]! ? i : best), members[0]!),
      reports,
      maxZ: Math.max(...members.map((i) => cells.z[i]!)),
      confidence: members.some((i) => cells.bin[i]! >= 3) ? 99 : 95,
    });
  }
  return spots.sort((a, b) => b.reports - a.reports || b.maxZ - a.maxZ);
}
