/** A laid-out line: its text and the range of the source string it came from. */
export interface TextLine {
  text: string;
  /** Offsets [start, end) in UTF-16 code units of the text after CRLF -> LF. */
  start: number;
  end: number;
  width: number;
}

/**
 * Greedy line wrapping: words (runs of non-space) are added while the measured line fits
 * `maxWidth`; a word wider than a whole line is split between characters (code points).
 * Newlines force a break (blank lines stay blank); tabs count as one space; runs of spaces
 * inside a line are kept, spaces at a wrap point are dropped. Pure: the caller supplies
 * `measure` (canvas measureText in practice, a fixed advance in tests).
 */
export function wrapText(text: string, maxWidth: number, measure: (text: string) => number): TextLine[] {
  const lines: TextLine[] = [];
  const normalised = text.replace(/\r\n?/g, '\n').replace(/\t/g, ' ');
  let paragraphStart = 0;
  for (const paragraph of normalised.split('\n')) {
    wrapParagraph(paragraph, paragraphStart, maxWidth, measure, lines);
    paragraphStart += paragraph.length + 1;
  }
  return lines;
}

function wrapParagraph(paragraph: string, offset: number, maxWidth: number, measure: (text: string) => number, lines: TextLine[]): void {
  let current = '';
  let currentStart = offset;
  const flush = () => {
    const trimmed = current.replace(/\s+$/, '');
    lines.push({ text: trimmed, start: currentStart, end: currentStart + trimmed.length, width: trimmed ? measure(trimmed) : 0 });
    current = '';
  };
  for (const match of paragraph.matchAll(/\S+|\s+/g)) {
    const word = match[0];
    const start = offset + (match.index ?? 0);
    if (/^\s/.test(word)) {
      if (current) current += word;
      continue;
    }
    if (current) {
      if (measure(current + word) <= maxWidth) {
        current += word;
        continue;
      }
      flush();
    }
    currentStart = start;
    if (measure(word) <= maxWidth) {
      current = word;
      continue;
    }
    // The word alone is wider than a line: break it between code points.
    let position = start;
    for (const character of word) {
      if (current && measure(current + character) > maxWidth) {
        flush();
        currentStart = position;
      }
      current += character;
      position += character.length;
    }
  }
  if (current) flush();
  else if (paragraph.trim() === '') lines.push({ text: '', start: offset, end: offset, width: 0 });
}
