/**
 * Seeded byte mutations and a fuzz loop that classifies every case: rejected with a typed
 * OpticspaceError (good), accepted (fine unless the mutation changed bytes the format checks:
 * then it is a silent success), or a crash (any other exception). Each case is timed.
 */
import { OpticspaceError, SeededRandom } from '@opticspace/gpu';
import { reportCount } from './counts';

export type MutationKind = 'bit-flip' | 'truncation' | 'splice' | 'random-bytes';
export const MUTATION_KINDS: readonly MutationKind[] = ['bit-flip', 'truncation', 'splice', 'random-bytes'];

export interface Mutation {
  kind: MutationKind;
  bytes: Uint8Array;
}

/**
 * One mutation of `source`, different from it. `region` limits where bytes change ([start, end),
 * e.g. a header); truncations cut anywhere in the region.
 *   bit-flip: 1-4 bits; truncation: keep a prefix; splice: a block copied from elsewhere in the
 *   file over the region (or inserted); random-bytes: 1-16 bytes overwritten with random values.
 */
export function mutate(source: Uint8Array, random: SeededRandom, kind: MutationKind, region: [number, number] = [0, source.length]): Mutation {
  const [start, end] = region;
  const at = () => start + random.int(end - start);
  for (;;) {
    let bytes: Uint8Array;
    switch (kind) {
      case 'bit-flip': {
        bytes = source.slice();
        for (let flips = 1 + random.int(4); flips > 0; flips--) bytes[at()] ^= 1 << random.int(8);
        break;
      }
      case 'truncation':
        bytes = source.slice(0, at());
        break;
      case 'splice': {
        const length = 1 + random.int(Math.min(64, source.length));
        const from = random.int(source.length - length + 1);
        const to = at();
        const block = source.subarray(from, from + length);
        if (random.next() < 0.5) {
          bytes = source.slice();
          bytes.set(block.subarray(0, Math.min(length, bytes.length - to)), to);
        } else {
          bytes = new Uint8Array(source.length + length);
          bytes.set(source.subarray(0, to));
          bytes.set(block, to);
          bytes.set(source.subarray(to), to + length);
        }
        break;
      }
      case 'random-bytes': {
        bytes = source.slice();
        const position = at();
        for (let i = 0, n = 1 + random.int(16); i < n && position + i < bytes.length; i++) bytes[position + i] = random.int(256);
        break;
      }
    }
    if (bytes.length !== source.length || bytes.some((value, i) => value !== source[i])) return { kind, bytes };
  }
}

export interface FuzzTarget {
  /** Reported name, e.g. 'index file'. */
  name: string;
  source: Uint8Array;
  cases: number;
  seed: number;
  /** Loads / parses the bytes; throwing an OpticspaceError is a rejection. */
  attempt(bytes: Uint8Array): unknown;
  /** Whether a mutation must be detected (the format checksums or checks those bytes); default: never. */
  mustDetect?(mutation: Mutation): boolean;
  region?: [number, number];
  kinds?: readonly MutationKind[];
}

export interface FuzzResult {
  cases: number;
  rejected: number;
  accepted: number;
  mustDetect: number;
  crashes: string[];
  silent: string[];
  maxMs: number;
}

/** Runs every case, prints the counts, returns them for the test's assertions. */
export async function fuzz(target: FuzzTarget): Promise<FuzzResult> {
  const random = new SeededRandom(target.seed);
  const kinds = target.kinds ?? MUTATION_KINDS;
  const result: FuzzResult = { cases: 0, rejected: 0, accepted: 0, mustDetect: 0, crashes: [], silent: [], maxMs: 0 };
  for (let i = 0; i < target.cases; i++) {
    const mutation = mutate(target.source, random, kinds[i % kinds.length], target.region);
    const detect = target.mustDetect?.(mutation) ?? false;
    if (detect) result.mustDetect++;
    const started = performance.now();
    try {
      await target.attempt(mutation.bytes);
      result.accepted++;
      if (detect) result.silent.push(`case ${i} (${mutation.kind}, ${mutation.bytes.length} bytes)`);
    } catch (error) {
      if (error instanceof OpticspaceError) result.rejected++;
      else result.crashes.push(`case ${i} (${mutation.kind}): ${(error as Error)?.stack ?? error}`);
    }
    result.maxMs = Math.max(result.maxMs, performance.now() - started);
    result.cases++;
  }
  reportCount(
    'fuzz',
    `${target.name} (${kinds.join(', ')}): cases`,
    result.cases,
  );
  console.log(
    `[fuzz] ${target.name}: ${result.rejected} rejected with typed errors, ${result.accepted} accepted, ` +
      `${result.mustDetect} had checked bytes changed (silent successes ${result.silent.length}), crashes ${result.crashes.length}, slowest case ${result.maxMs.toFixed(1)} ms`,
  );
  return result;
}
