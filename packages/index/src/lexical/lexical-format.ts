/**
 * The documents' lexical data in a saved index: the header entry `lexical` and four u32
 * sections. Only the term counts are stored; the BM25 weights are derived on load (k1 and b are
 * in the header), so a loaded index scores exactly as the built one.
 *   lexicalRowPtr   [documents + 1]  CSR row pointers
 *   lexicalTermIds  [nonzeros]       term id of each count, ascending within a document
 *   lexicalCounts   [nonzeros]       term frequency
 *   lexicalTerms    [ceil(bytes / 4)] the vocabulary in id order: UTF-8, '\n'-separated, zero-padded
 */
import { IndexFormatError } from '../errors';
import { Bm25Index, type SparseMatrix } from './bm25';

/** Terms as the tokenizer of this version makes them (stop list + Porter stems); a saved index must match it. */
export const TOKENIZER_ID = 'porter-stop-v1';

export interface LexicalHeader {
  tokenizer: string;
  k1: number;
  b: number;
  terms: number;
  termBytes: number;
}

type SectionReader = <T extends Float32Array | Uint32Array>(name: string, type: new (n: number) => T, length: number) => T;

export function encodeLexical(bm25: Bm25Index): { header: LexicalHeader; sections: Array<{ name: string; data: Uint32Array }> } {
  const text = new TextEncoder().encode(bm25.vocabulary.terms.join('\n'));
  const padded = new Uint8Array(Math.ceil(text.length / 4) * 4);
  padded.set(text);
  const { counts } = bm25;
  return {
    header: { tokenizer: TOKENIZER_ID, k1: bm25.k1, b: bm25.b, terms: counts.columns, termBytes: text.length },
    sections: [
      { name: 'lexicalRowPtr', data: counts.rowPtr },
      { name: 'lexicalTermIds', data: counts.columnIndex },
      { name: 'lexicalCounts', data: Uint32Array.from(counts.values) },
      { name: 'lexicalTerms', data: new Uint32Array(padded.buffer) },
    ],
  };
}

export function decodeLexical(header: unknown, section: SectionReader, documents: number): Bm25Index {
  const h = header as Partial<LexicalHeader>;
  if (h.tokenizer !== TOKENIZER_ID) {
    throw new IndexFormatError(`Index lexical data was made by tokenizer '${String(h.tokenizer)}'; this build tokenizes as '${TOKENIZER_ID}'.`);
  }
  if (!Number.isInteger(h.terms) || !Number.isInteger(h.termBytes) || h.terms! < 0 || h.termBytes! < 0) {
    throw new IndexFormatError('Index lexical header is corrupted (term count or byte length).');
  }
  const rowPtr = section('lexicalRowPtr', Uint32Array, documents + 1);
  const nonzeros = rowPtr[documents];
  const columnIndex = section('lexicalTermIds', Uint32Array, nonzeros);
  const counts = section('lexicalCounts', Uint32Array, nonzeros);
  const words = section('lexicalTerms', Uint32Array, Math.ceil(h.termBytes! / 4));
  let terms: string[];
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(words.buffer, words.byteOffset, h.termBytes!));
    terms = h.terms === 0 ? [] : text.split('\n');
  } catch (cause) {
    throw new IndexFormatError(`Index lexical terms are not valid UTF-8: ${(cause as Error).message}`);
  }
  if (terms.length !== h.terms || new Set(terms).size !== terms.length) {
    throw new IndexFormatError(`Index lexical terms: ${terms.length} (${new Set(terms).size} distinct), expected ${h.terms} distinct terms.`);
  }
  for (let r = 0; r < documents; r++) {
    if (rowPtr[r + 1] < rowPtr[r]) throw new IndexFormatError(`Index lexical row pointers decrease at document ${r}.`);
  }
  for (let j = 0; j < nonzeros; j++) {
    if (columnIndex[j] >= terms.length || counts[j] === 0) throw new IndexFormatError(`Index lexical entry ${j} (term ${columnIndex[j]}, count ${counts[j]}) is out of range.`);
  }
  const matrix: SparseMatrix = { rows: documents, columns: terms.length, rowPtr, columnIndex, values: Float32Array.from(counts) };
  try {
    return new Bm25Index({ terms, counts: matrix }, { k1: h.k1, b: h.b });
  } catch (cause) {
    throw new IndexFormatError(`Index lexical parameters are invalid: ${(cause as Error).message}`);
  }
}
