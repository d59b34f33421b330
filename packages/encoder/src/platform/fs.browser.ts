/** `#node-fs` outside Node (see weights/file-source.ts): local files are Node's. */
export async function open(_path: string, _flags: string): Promise<never> {
  throw new Error('local files are opened in Node only: in a browser, use BlobWeightSource (a File or Blob) or BytesWeightSource');
}
