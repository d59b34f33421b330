/**
 * Reading and writing a BEIR dataset directory in Node (`corpus.jsonl`, `queries.jsonl`,
 * `qrels/<split>.tsv`). `node:fs` is imported lazily so this module can sit in a browser bundle.
 */
import { DatasetFormatError } from '../errors';
import {
  checkQrelsConsistency,
  formatCorpusJsonl,
  formatQrelsTsv,
  formatQueriesJsonl,
  parseCorpusJsonl,
  parseQrelsTsv,
  parseQueriesJsonl,
} from './beir-parse';
import type { RetrievalDataset } from './types';

async function readTextFile(path: string): Promise<string> {
  const { readFile } = await import(/* @vite-ignore */ 'node:fs/promises');
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DatasetFormatError(path, null, code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(error)})`, { cause: error });
  }
}

export interface LoadBeirOptions {
  /** qrels split file under qrels/ (default `test`). */
  split?: string;
  /** Keep only queries that have at least one judged relevant document (default true, as BEIR does). */
  judgedQueriesOnly?: boolean;
}

export async function loadBeirDataset(directory: string, options: LoadBeirOptions = {}): Promise<RetrievalDataset> {
  const { join, basename, resolve } = await import(/* @vite-ignore */ 'node:path');
  const split = options.split ?? 'test';
  const corpusPath = join(directory, 'corpus.jsonl');
  const queriesPath = join(directory, 'queries.jsonl');
  const qrelsPath = join(directory, 'qrels', `${split}.tsv`);
  const corpus = parseCorpusJsonl(await readTextFile(corpusPath), corpusPath);
  let queries = parseQueriesJsonl(await readTextFile(queriesPath), queriesPath);
  const qrels = parseQrelsTsv(await readTextFile(qrelsPath), qrelsPath);
  checkQrelsConsistency(qrels, new Set(corpus.map((document) => document.id)), new Set(queries.map((query) => query.id)), qrelsPath);
  if (options.judgedQueriesOnly ?? true) {
    queries = queries.filter((query) => {
      const judged = qrels.get(query.id);
      return judged !== undefined && [...judged.values()].some((grade) => grade > 0);
    });
    if (queries.length === 0) throw new DatasetFormatError(qrelsPath, null, 'no query has a relevant (score > 0) judgement');
  }
  return { name: basename(resolve(directory)), corpus, queries, qrels };
}

export async function writeBeirDataset(directory: string, dataset: RetrievalDataset, split = 'test'): Promise<void> {
  const { mkdir, writeFile } = await import(/* @vite-ignore */ 'node:fs/promises');
  const { join } = await import(/* @vite-ignore */ 'node:path');
  await mkdir(join(directory, 'qrels'), { recursive: true });
  await writeFile(join(directory, 'corpus.jsonl'), formatCorpusJsonl(dataset.corpus));
  await writeFile(join(directory, 'queries.jsonl'), formatQueriesJsonl(dataset.queries));
  await writeFile(join(directory, 'qrels', `${split}.tsv`), formatQrelsTsv(dataset.qrels));
}
