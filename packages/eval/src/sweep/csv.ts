/** CSV text (RFC 4180 quoting) for sweep results. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cell = (value: string | number): string => {
    const text = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toPrecision(6).replace(/\.?0+$/, '')) : value;
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\n') + '\n';
}
