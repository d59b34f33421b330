/** `opticspace/index`: everything @opticspace/index exports. */
export * from '@opticspace/index';
