/** `#node-fs` under the `node` condition (see weights/file-source.ts). */
export { open } from 'node:fs/promises';
