/** `opticspace/encoder`: everything @opticspace/encoder exports. */
export * from '@opticspace/encoder';
