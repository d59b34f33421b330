/** The tokenizer lives in @opticspace/index (BM25 is an index method); re-exported for the embedders. */
export { tokenize, type TokenizerOptions } from '@opticspace/index';
