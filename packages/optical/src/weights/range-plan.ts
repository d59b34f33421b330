import { InvalidInputError } from '@opticspace/gpu';

export interface ByteRange {
  begin: number;
  end: number;
}

export interface NamedRange extends ByteRange {
  name: string;
}

/** One HTTP request: a byte range covering one or more tensors. */
export interface CoalescedRange extends ByteRange {
  names: string[];
}

/**
 * Merges tensor byte ranges into as few requests as possible: ranges are sorted by start
 * and joined when the gap between them is at most `maxGap` bytes (0 = only touching
 * ranges, so no byte outside the wanted tensors is ever fetched) and the merged request
 * stays within `maxRequestBytes`.
 */
export function coalesceRanges(ranges: readonly NamedRange[], maxGap = 0, maxRequestBytes = 256 * 1024 * 1024): CoalescedRange[] {
  if (!(maxGap >= 0) || !(maxRequestBytes > 0)) {
    throw new InvalidInputError(`coalesceRanges needs maxGap >= 0 and maxRequestBytes > 0, got ${maxGap}, ${maxRequestBytes}`);
  }
  const sorted = ranges
    .filter((r) => r.end > r.begin)
    .slice()
    .sort((a, b) => a.begin - b.begin || a.end - b.end);
  const out: CoalescedRange[] = [];
  for (const range of sorted) {
    if (!Number.isSafeInteger(range.begin) || !Number.isSafeInteger(range.end) || range.begin < 0) {
      throw new InvalidInputError(`tensor '${range.name}' has an invalid byte range [${range.begin}, ${range.end})`);
    }
    const last = out[out.length - 1];
    if (last && range.begin - last.end <= maxGap && Math.max(last.end, range.end) - last.begin <= maxRequestBytes) {
      last.end = Math.max(last.end, range.end);
      last.names.push(range.name);
    } else {
      out.push({ begin: range.begin, end: range.end, names: [range.name] });
    }
  }
  return out;
}
