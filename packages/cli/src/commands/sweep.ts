// Placeholder until the owning issue lands; replaced by the real command.
export const usage = 'sweep: not implemented yet';
export async function run(): Promise<number> {
  console.error('opticspace sweep is not implemented yet');
  return 2;
}
