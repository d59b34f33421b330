/** The demo's lexical embedding: LSA dimension and seed (the CVE corpus's shipped embedding and a dropped corpus's alike). */
export const EMBEDDING = { dims: 128, seed: 42 } as const;
