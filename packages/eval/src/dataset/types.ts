/** In-memory form of a BEIR-layout retrieval dataset. */
export interface CorpusDocument {
  id: string;
  title: string;
  text: string;
  /** Extra fields kept from the corpus line (e.g. `metadata`). */
  metadata?: Record<string, unknown>;
}

export interface Query {
  id: string;
  text: string;
  metadata?: Record<string, unknown>;
}

/** query id -> (document id -> graded relevance). Grades <= 0 count as not relevant. */
export type Qrels = Map<string, Map<string, number>>;

export interface RetrievalDataset {
  name: string;
  corpus: CorpusDocument[];
  queries: Query[];
  qrels: Qrels;
}

/** The text a document is embedded and indexed as: title and body, as BEIR retrievers do. */
export function documentText(document: CorpusDocument): string {
  if (!document.title) return document.text;
  if (document.text.startsWith(document.title)) return document.text;
  return `${document.title} ${document.text}`;
}
