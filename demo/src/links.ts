/** Public records for ids the corpus uses: NVD for CVE ids, MITRE for CWE ids. Plain links; nothing is fetched. */
export function recordUrl(id: string): string | null {
  const cve = /^CVE-\d{4}-\d{4,}$/i.exec(id);
  if (cve) return `https://nvd.nist.gov/vuln/detail/${id.toUpperCase()}`;
  const cwe = /^CWE-(\d+)$/i.exec(id);
  if (cwe) return `https://cwe.mitre.org/data/definitions/${cwe[1]}.html`;
  return null;
}
