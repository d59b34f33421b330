import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../src/args';

const spec = {
  dataset: { type: 'string' },
  dims: { type: 'integer', default: 384 },
  ratio: { type: 'number' },
  methods: { type: 'list', default: ['cosine'], choices: ['cosine', 'energy', 'bm25'] },
  eta: { type: 'numberList', default: [0.1] },
  json: { type: 'boolean' },
  k: { type: 'integer', alias: 'k', default: 10 },
  weightGrid: { type: 'numberList' },
} as const;

describe('parseArgs', () => {
  it('applies defaults and converts every form', () => {
    const { options, positionals } = parseArgs(
      ['INDEX', '--dataset', 'dir', '--dims=128', '--methods', 'energy,bm25', '--eta', '0.05, 0.2', '--json', '-k', '5', '--weight-grid', '0,1', 'text', '--ratio', '-0.5'],
      spec,
      { required: ['INDEX', 'QUERY'] },
    );
    expect(options).toEqual({ dataset: 'dir', dims: 128, ratio: -0.5, methods: ['energy', 'bm25'], eta: [0.05, 0.2], json: true, k: 5, weightGrid: [0, 1] });
    expect(positionals).toEqual(['INDEX', 'text']);
    const defaults = parseArgs([], spec).options;
    expect(defaults).toEqual({ dims: 384, methods: ['cosine'], eta: [0.1], json: false, k: 10 });
    expect(parseArgs(['--', '--not-an-option'], spec, { optional: ['X'] }).positionals).toEqual(['--not-an-option']);
    expect(parseArgs(['--json=false'], spec).options.json).toBe(false);
  });

  it('names the option and the bad value in every error', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--dims', '1.5'], /--dims expects an integer, got '1.5'/],
      [['--ratio', 'abc'], /--ratio expects a number, got 'abc'/],
      [['--methods', 'cosine,dense'], /--methods expects one of cosine, energy, bm25, got 'dense'/],
      [['--eta', '0.1,,0.2'], /--eta expects a comma-separated list without empty items/],
      [['--dataset'], /--dataset expects a value/],
      [['--datset', 'x'], /unknown option '--datset'/],
      [['--json=maybe'], /--json is a flag/],
      [['a', 'b'], /unexpected argument 'b'/],
    ];
    for (const [argv, pattern] of cases) {
      expect(() => parseArgs(argv, spec, { optional: ['ONE'] }), argv.join(' ')).toThrow(pattern);
      expect(() => parseArgs(argv, spec, { optional: ['ONE'] })).toThrow(UsageError);
    }
    expect(() => parseArgs([], spec, { required: ['INDEX', 'QUERY'] })).toThrow(/missing INDEX, QUERY \(expected 2 positional arguments, got 0\)/);
  });
});
