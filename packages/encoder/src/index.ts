export * from './config';
export * from './weights';
