import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetFormatError, loadBeirDataset, parseCorpusJsonl, parseQrelsTsv, parseQueriesJsonl, writeBeirDataset, documentText } from '../src/index';

/** Vendored in the repository (datasets/cranfield/README.md). */
const CRANFIELD = fileURLToPath(new URL('../../../datasets/cranfield', import.meta.url));

function expectFormatError(run: () => unknown, line: number | null, pattern: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DatasetFormatError);
    expect((error as DatasetFormatError).line).toBe(line);
    expect((error as Error).message).toMatch(pattern);
    expect((error as DatasetFormatError).code).toBe('DATASET_FORMAT');
    return;
  }
  throw new Error('expected a DatasetFormatError');
}

describe('BEIR parsers', () => {
  it('parses corpus lines with title, numeric ids and extra fields', () => {
    const corpus = parseCorpusJsonl('{"_id":"d1","title":"T","text":"body"}\n\n{"_id":7,"text":"x","metadata":{"a":1}}\r\n');
    expect(corpus).toEqual([
      { id: 'd1', title: 'T', text: 'body' },
      { id: '7', title: '', text: 'x', metadata: { metadata: { a: 1 } } },
    ]);
    expect(documentText(corpus[0])).toBe('T body');
    expect(documentText({ id: 'x', title: 'wing', text: 'wing flutter' })).toBe('wing flutter');
  });

  it('names the line of malformed corpus and query records', () => {
    expectFormatError(() => parseCorpusJsonl('{"_id":"a","text":"x"}\n{"_id":"b","text":'), 2, /corpus\.jsonl:2: invalid JSON/);
    expectFormatError(() => parseCorpusJsonl('{"_id":"a","text":"x"}\n\n{"_id":"a","text":"y"}'), 3, /duplicate document id "a" \(first on line 1\)/);
    expectFormatError(() => parseCorpusJsonl('{"_id":"a"}'), 1, /missing field "text"/);
    expectFormatError(() => parseCorpusJsonl('["a"]'), 1, /expected a JSON object, got an array/);
    expectFormatError(() => parseCorpusJsonl('{"_id":"","text":"x"}'), 1, /"_id" must be a non-empty string/);
    expectFormatError(() => parseCorpusJsonl('{"_id":"a","text":3}'), 1, /"text" must be a string, got number/);
    expectFormatError(() => parseCorpusJsonl('\n \n'), null, /no documents/);
    expectFormatError(() => parseQueriesJsonl('{"_id":"q","text":"a"}\n{"_id":"q","text":"b"}'), 2, /duplicate query id/);
  });

  it('parses graded qrels and rejects bad headers, fields and scores with line numbers', () => {
    const qrels = parseQrelsTsv('query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t0\nq2\td1\t-1\n');
    expect([...qrels.get('q1')!]).toEqual([['d1', 2], ['d2', 0]]);
    expect(qrels.get('q2')!.get('d1')).toBe(-1);
    expectFormatError(() => parseQrelsTsv('q1\td1\t1\n'), 1, /expected the header/);
    expectFormatError(() => parseQrelsTsv('query-id\tcorpus-id\tscore\nq1\td1\n'), 2, /expected 3 tab-separated fields.*got 2/);
    expectFormatError(() => parseQrelsTsv('query-id\tcorpus-id\tscore\nq1\td1\t1.5\n'), 2, /score must be an integer, got "1.5"/);
    expectFormatError(() => parseQrelsTsv('query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td1\t2'), 3, /duplicate judgement/);
    expectFormatError(() => parseQrelsTsv(''), null, /empty/);
  });
});

describe('BEIR directories', () => {
  const directories: string[] = [];
  afterAll(async () => {
    for (const directory of directories) await rm(directory, { recursive: true, force: true });
  });

  it('round-trips a dataset and keeps only judged queries', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'beir-'));
    directories.push(directory);
    await writeBeirDataset(directory, {
      name: 'tiny',
      corpus: [
        { id: 'd1', title: 'a', text: 'alpha' },
        { id: 'd2', title: '', text: 'beta', metadata: { cwe: ['CWE-1'] } },
      ],
      queries: [
        { id: 'q1', text: 'alpha?' },
        { id: 'q2', text: 'nothing relevant' },
      ],
      qrels: new Map([
        ['q1', new Map([['d1', 1]])],
        ['q2', new Map([['d2', 0]])],
      ]),
    });
    const loaded = await loadBeirDataset(directory);
    expect(loaded.corpus).toEqual([
      { id: 'd1', title: 'a', text: 'alpha' },
      { id: 'd2', title: '', text: 'beta', metadata: { cwe: ['CWE-1'] } },
    ]);
    expect(loaded.queries.map((query) => query.id)).toEqual(['q1']);
    expect((await loadBeirDataset(directory, { judgedQueriesOnly: false })).queries).toHaveLength(2);
  });

  it('reports missing files and qrels that point at unknown ids', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'beir-'));
    directories.push(directory);
    await expect(loadBeirDataset(directory)).rejects.toThrow(/corpus\.jsonl: file not found/);
    await writeFile(join(directory, 'corpus.jsonl'), '{"_id":"d1","text":"x"}\n');
    await writeFile(join(directory, 'queries.jsonl'), '{"_id":"q1","text":"x"}\n');
    await mkdir(join(directory, 'qrels'), { recursive: true });
    await writeFile(join(directory, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\td9\t1\n');
    await expect(loadBeirDataset(directory)).rejects.toThrow(/corpus-id "d9" \(query "q1"\) is not in corpus\.jsonl/);
  });

  it('loads the cranfield development set', async () => {
    const dataset = await loadBeirDataset(CRANFIELD);
    expect(dataset.corpus).toHaveLength(1400);
    expect(dataset.queries).toHaveLength(225);
    expect(dataset.qrels.get('1')!.get('184')).toBe(3);
  });
});
