// Placeholder until the owning issue lands; replaced by the real command.
export const usage = 'encode: not implemented yet';
export async function run(): Promise<number> {
  console.error('opticspace encode is not implemented yet');
  return 2;
}
