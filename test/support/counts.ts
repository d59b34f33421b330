/**
 * Fault and fuzz tests print how many cases they ran, one line each, so that CI logs show the
 * coverage: `[fault-count] <group>: <what> = <n>`.
 */
export function reportCount(group: string, what: string, count: number): void {
  console.log(`[fault-count] ${group}: ${what} = ${count}`);
}
