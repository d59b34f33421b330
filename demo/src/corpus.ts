/**
 * The documents the demo searches: the CVE corpus shipped as a static asset
 * (public/cve-corpus.json, written at build time by scripts/build-demo-corpus.ts from
 * @opticspace/eval's CVE dataset), or a corpus the user drops in (JSONL or text files).
 */

/**
 * A corpus file the demo cannot use, with a message that names the file (and line). The demo's
 * own error, not @opticspace/gpu's InvalidInputError: the page does not load the libraries' code
 * (the search worker does), and importing the GPU package for an error class would.
 */
export class CorpusError extends Error {
  readonly code = 'INVALID_CORPUS';
  constructor(message: string) {
    super(message);
    this.name = 'CorpusError';
  }
}

export interface DemoDocument {
  id: string;
  title: string;
  text: string;
  /** A class label shown beside the hit, e.g. the CWE id of a CVE ("CWE-89"). */
  label?: string;
  /** Every label of the document (a CVE can be listed under several CWEs); `label` is the first. */
  labels?: string[];
}

/** A query with known relevant documents (the CVE corpus's three seed queries). */
export interface JudgedQuery {
  id: string;
  text: string;
  /** Why these documents are relevant, in words. */
  why?: string;
  /** Document id -> grade (2 listed under the query's CWE, 1 under a descendant CWE). */
  relevant: Record<string, number>;
}

export interface DemoCorpus {
  name: string;
  /** Where it came from, in words ("CWE Observed_Examples via cwe-sdk 1.1.19"). */
  source: string;
  documents: DemoDocument[];
  examples?: JudgedQuery[];
  /** Label -> human name ("CWE-89" -> "Improper Neutralization of ... ('SQL Injection')"), for the labels the documents use. */
  labelNames?: Record<string, string>;
  /** The embedder and document vectors fitted at build time (corpus-embedding.ts), when the corpus ships them. */
  embedding?: Uint8Array;
}

/** Limits that keep a dropped corpus inside what one tab can index. */
export const MAX_DOCUMENTS = 50_000;
export const MAX_CORPUS_BYTES = 64 * 1024 * 1024;
const TEXT_FIELDS = ['title', 'text', 'body', 'content', 'abstract', 'description', 'summary'];
const ID_FIELDS = ['id', '_id', 'docid', 'doc_id'];

// import.meta.env is Vite's: absent when Node (scripts/build-demo-corpus.ts) imports this module.
const BASE_URL = import.meta.env?.BASE_URL ?? '/';
export const CVE_CORPUS_URL = `${BASE_URL}cve-corpus.json`;
/** The corpus's embedder and document vectors, fitted at build time (corpus-embedding.ts). */
export const CVE_EMBEDDING_URL = `${BASE_URL}cve-corpus.embedding.bin`;

/** Reads and validates a corpus file in the DemoCorpus JSON layout. */
export function parseCorpusJson(text: string, source: string): DemoCorpus {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CorpusError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const corpus = value as Partial<DemoCorpus>;
  if (typeof corpus !== 'object' || corpus === null || !Array.isArray(corpus.documents)) {
    throw new CorpusError(`${source}: expected an object with a 'documents' array`);
  }
  corpus.documents.forEach((document, index) => {
    if (typeof document?.id !== 'string' || typeof document.text !== 'string') {
      throw new CorpusError(`${source}: document ${index} needs string 'id' and 'text' fields`);
    }
  });
  if (corpus.documents.length === 0) throw new CorpusError(`${source}: the corpus has no documents`);
  const examples = Array.isArray(corpus.examples)
    ? corpus.examples.filter((example) => typeof example?.text === 'string' && typeof example.relevant === 'object' && example.relevant !== null)
    : undefined;
  const labelNames = typeof corpus.labelNames === 'object' && corpus.labelNames !== null ? corpus.labelNames : undefined;
  return { name: corpus.name ?? source, source: corpus.source ?? source, documents: corpus.documents, examples, labelNames };
}

async function fetchAsset(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new CorpusError(
      `the CVE corpus's ${url} is missing (HTTP ${response.status}); build it with 'node scripts/run-ts.mjs scripts/build-demo-corpus.ts'`,
    );
  }
  return response;
}

/** The CVE corpus and its embedding, fetched side by side. */
export async function fetchCveCorpus(): Promise<DemoCorpus> {
  const [corpus, embedding] = await Promise.all([
    fetchAsset(CVE_CORPUS_URL).then(async (response) => parseCorpusJson(await response.text(), CVE_CORPUS_URL)),
    fetchAsset(CVE_EMBEDDING_URL).then(async (response) => new Uint8Array(await response.arrayBuffer())),
  ]);
  return { ...corpus, embedding };
}

function stringField(record: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = record[name];
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}

/**
 * One JSON object per line. The text is every known text field present (title, text, body,
 * content, abstract, description, summary) joined; id from id/_id/docid or the line number.
 */
export function parseJsonl(text: string, fileName: string): DemoDocument[] {
  const documents: DemoDocument[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new CorpusError(`${fileName}:${index + 1}: not valid JSON (${(error as Error).message})`);
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new CorpusError(`${fileName}:${index + 1}: expected a JSON object, got ${Array.isArray(record) ? 'an array' : typeof record}`);
    }
    const fields = record as Record<string, unknown>;
    const parts = TEXT_FIELDS.map((name) => fields[name]).filter((value): value is string => typeof value === 'string' && value.trim() !== '');
    if (parts.length === 0) {
      throw new CorpusError(`${fileName}:${index + 1}: no text field; expected one of ${TEXT_FIELDS.join(', ')}`);
    }
    const title = stringField(fields, ['title', 'name']) ?? '';
    const body = parts.filter((part) => part !== title).join('\n');
    documents.push({
      id: stringField(fields, ID_FIELDS) ?? `${fileName}#${index + 1}`,
      title,
      text: body || title,
      label: stringField(fields, ['label', 'category', 'cwe']),
    });
  }
  return documents;
}

function titleOf(fileName: string, text: string): string {
  const heading = /^#\s+(.+)$/m.exec(text);
  return heading ? heading[1].trim() : fileName.replace(/\.[^.]+$/, '');
}

/** Files the user picked or dropped: .jsonl/.ndjson/.json lines, or one document per .txt/.md file. */
export async function corpusFromFiles(files: readonly File[]): Promise<DemoCorpus> {
  if (files.length === 0) throw new CorpusError('no files were given');
  const usable = files.filter((file) => /\.(jsonl|ndjson|json|txt|md|markdown)$/i.test(file.name));
  if (usable.length === 0) {
    throw new CorpusError(`none of the ${files.length} files is .jsonl, .json, .txt or .md (first: ${files[0].name})`);
  }
  const totalBytes = usable.reduce((sum, file) => sum + file.size, 0);
  if (totalBytes > MAX_CORPUS_BYTES) {
    throw new CorpusError(`the files hold ${(totalBytes / 1e6).toFixed(1)} MB; at most ${MAX_CORPUS_BYTES / 1e6} MB fit in the demo`);
  }
  const documents: DemoDocument[] = [];
  for (const file of usable) {
    const path = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
    const text = await file.text();
    if (/\.(jsonl|ndjson|json)$/i.test(file.name)) {
      documents.push(...parseJsonl(text, path));
    } else if (text.trim() !== '') {
      documents.push({ id: path, title: titleOf(file.name, text), text });
    }
    if (documents.length > MAX_DOCUMENTS) {
      throw new CorpusError(`more than ${MAX_DOCUMENTS} documents; the demo indexes at most ${MAX_DOCUMENTS}`);
    }
  }
  if (documents.length < 2) throw new CorpusError(`an index needs at least 2 documents, the files gave ${documents.length}`);
  const name = usable.length === 1 ? usable[0].name : `${usable.length} files`;
  const skipped = files.length - usable.length;
  const note = skipped > 0 ? `; ${skipped} file${skipped === 1 ? '' : 's'} skipped (not .jsonl, .json, .txt or .md)` : '';
  return { name, source: `your files (they never leave this tab)${note}`, documents };
}

/** The text a document is embedded as: title and body. */
export function documentText(document: DemoDocument): string {
  if (!document.title || document.text.startsWith(document.title)) return document.text;
  return `${document.title}. ${document.text}`;
}
