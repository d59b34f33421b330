/**
 * Parsers for the BEIR layout (github.com/beir-cellar/beir): corpus.jsonl lines
 * `{"_id","title","text"}`, queries.jsonl lines `{"_id","text"}`, qrels/test.tsv with a
 * header `query-id corpus-id score` and graded integer scores. Pure functions over text so the
 * browser demo can use them; file reading lives in beir-files.ts.
 */
import { DatasetFormatError } from '../errors';
import type { CorpusDocument, Qrels, Query } from './types';

function* nonEmptyLines(text: string): Generator<[lineNumber: number, line: string]> {
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].replace(/\r$/, '');
    if (line.trim() !== '') yield [index + 1, line];
  }
}

function parseJsonLine(file: string, lineNumber: number, line: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new DatasetFormatError(file, lineNumber, `invalid JSON (${(error as Error).message})`, { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DatasetFormatError(file, lineNumber, `expected a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

function readId(file: string, lineNumber: number, record: Record<string, unknown>): string {
  const id = record._id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  if (typeof id !== 'string' || id === '') {
    throw new DatasetFormatError(file, lineNumber, `field "_id" must be a non-empty string, got ${JSON.stringify(id)}`);
  }
  return id;
}

function readText(file: string, lineNumber: number, record: Record<string, unknown>, field: string, required: boolean): string {
  const value = record[field];
  if (value === undefined || value === null) {
    if (required) throw new DatasetFormatError(file, lineNumber, `missing field "${field}"`);
    return '';
  }
  if (typeof value !== 'string') {
    throw new DatasetFormatError(file, lineNumber, `field "${field}" must be a string, got ${typeof value}`);
  }
  return value;
}

function extraFields(record: Record<string, unknown>, known: string[]): Record<string, unknown> | undefined {
  const extra: Record<string, unknown> = {};
  let any = false;
  for (const [key, value] of Object.entries(record)) {
    if (known.includes(key)) continue;
    extra[key] = value;
    any = true;
  }
  return any ? extra : undefined;
}

export function parseCorpusJsonl(text: string, file = 'corpus.jsonl'): CorpusDocument[] {
  const documents: CorpusDocument[] = [];
  const seen = new Map<string, number>();
  for (const [lineNumber, line] of nonEmptyLines(text)) {
    const record = parseJsonLine(file, lineNumber, line);
    const id = readId(file, lineNumber, record);
    const previous = seen.get(id);
    if (previous !== undefined) throw new DatasetFormatError(file, lineNumber, `duplicate document id "${id}" (first on line ${previous})`);
    seen.set(id, lineNumber);
    const document: CorpusDocument = {
      id,
      title: readText(file, lineNumber, record, 'title', false),
      text: readText(file, lineNumber, record, 'text', true),
    };
    const metadata = extraFields(record, ['_id', 'title', 'text']);
    if (metadata) document.metadata = metadata;
    documents.push(document);
  }
  if (documents.length === 0) throw new DatasetFormatError(file, null, 'the corpus has no documents');
  return documents;
}

export function parseQueriesJsonl(text: string, file = 'queries.jsonl'): Query[] {
  const queries: Query[] = [];
  const seen = new Map<string, number>();
  for (const [lineNumber, line] of nonEmptyLines(text)) {
    const record = parseJsonLine(file, lineNumber, line);
    const id = readId(file, lineNumber, record);
    const previous = seen.get(id);
    if (previous !== undefined) throw new DatasetFormatError(file, lineNumber, `duplicate query id "${id}" (first on line ${previous})`);
    seen.set(id, lineNumber);
    const query: Query = { id, text: readText(file, lineNumber, record, 'text', true) };
    const metadata = extraFields(record, ['_id', 'text']);
    if (metadata) query.metadata = metadata;
    queries.push(query);
  }
  if (queries.length === 0) throw new DatasetFormatError(file, null, 'the query file has no queries');
  return queries;
}

const QRELS_HEADER = ['query-id', 'corpus-id', 'score'];

export function parseQrelsTsv(text: string, file = 'qrels/test.tsv'): Qrels {
  const qrels: Qrels = new Map();
  let headerSeen = false;
  for (const [lineNumber, line] of nonEmptyLines(text)) {
    const fields = line.split('\t');
    if (!headerSeen) {
      headerSeen = true;
      if (fields.length !== 3 || fields.some((field, index) => field.trim() !== QRELS_HEADER[index])) {
        throw new DatasetFormatError(file, lineNumber, `expected the header "${QRELS_HEADER.join('\\t')}", got ${JSON.stringify(line)}`);
      }
      continue;
    }
    if (fields.length !== 3) {
      throw new DatasetFormatError(file, lineNumber, `expected 3 tab-separated fields (query-id, corpus-id, score), got ${fields.length}`);
    }
    const [queryId, documentId, scoreText] = fields.map((field) => field.trim());
    if (queryId === '' || documentId === '') throw new DatasetFormatError(file, lineNumber, 'empty query-id or corpus-id');
    if (!/^-?\d+$/.test(scoreText)) {
      throw new DatasetFormatError(file, lineNumber, `score must be an integer, got ${JSON.stringify(scoreText)}`);
    }
    let judged = qrels.get(queryId);
    if (!judged) qrels.set(queryId, (judged = new Map()));
    if (judged.has(documentId)) {
      throw new DatasetFormatError(file, lineNumber, `duplicate judgement for query "${queryId}" and document "${documentId}"`);
    }
    judged.set(documentId, Number(scoreText));
  }
  if (!headerSeen) throw new DatasetFormatError(file, null, 'the qrels file is empty (expected a header and judgements)');
  return qrels;
}

/**
 * Checks that every judged query and document exists. Unknown documents are an error; unknown
 * query ids too (BEIR files are consistent; a mismatch means the wrong files were paired).
 */
export function checkQrelsConsistency(qrels: Qrels, documentIds: Set<string>, queryIds: Set<string>, file = 'qrels/test.tsv'): void {
  for (const [queryId, judged] of qrels) {
    if (!queryIds.has(queryId)) throw new DatasetFormatError(file, null, `query-id "${queryId}" is not in queries.jsonl`);
    for (const documentId of judged.keys()) {
      if (!documentIds.has(documentId)) {
        throw new DatasetFormatError(file, null, `corpus-id "${documentId}" (query "${queryId}") is not in corpus.jsonl`);
      }
    }
  }
}

export function formatCorpusJsonl(documents: CorpusDocument[]): string {
  return documents.map((document) => JSON.stringify({ _id: document.id, title: document.title, text: document.text, ...(document.metadata ?? {}) })).join('\n') + '\n';
}

export function formatQueriesJsonl(queries: Query[]): string {
  return queries.map((query) => JSON.stringify({ _id: query.id, text: query.text, ...(query.metadata ?? {}) })).join('\n') + '\n';
}

export function formatQrelsTsv(qrels: Qrels): string {
  const lines = [QRELS_HEADER.join('\t')];
  for (const [queryId, judged] of qrels) {
    for (const [documentId, score] of judged) lines.push(`${queryId}\t${documentId}\t${score}`);
  }
  return lines.join('\n') + '\n';
}
