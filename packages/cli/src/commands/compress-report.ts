// Placeholder until the owning issue lands; replaced by the real command.
export const usage = 'compress-report: not implemented yet';
export async function run(): Promise<number> {
  console.error('opticspace compress-report is not implemented yet');
  return 2;
}
