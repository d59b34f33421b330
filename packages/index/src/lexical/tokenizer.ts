/**
 * Text -> terms for the lexical embedder and BM25: lower-case, split on anything that is not a
 * letter or digit (keeping CVE-style ids and version numbers as single tokens is not needed for
 * retrieval), drop stop words and one-character tokens, then Porter-stem.
 */
import { porterStem } from './porter-stemmer';
import { ENGLISH_STOP_WORDS } from './stop-words';

export interface TokenizerOptions {
  stopWords?: ReadonlySet<string>;
  stem?: boolean;
}

export function tokenize(text: string, options: TokenizerOptions = {}): string[] {
  const stopWords = options.stopWords ?? ENGLISH_STOP_WORDS;
  const stem = options.stem ?? true;
  const tokens: string[] = [];
  const matches = text.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}]+/gu);
  if (!matches) return tokens;
  for (const raw of matches) {
    if (raw.length < 2 || stopWords.has(raw)) continue;
    tokens.push(stem && !/\d/.test(raw) ? porterStem(raw) : raw);
  }
  return tokens;
}
