/** `opticspace/gpu`: everything @opticspace/gpu exports. */
export * from '@opticspace/gpu';
