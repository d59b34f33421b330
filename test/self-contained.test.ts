// The repository stands alone: no tracked source, test, script, bench or doc file may reach outside it
// (a sibling ../shared folder, an absolute path of one machine). A user's clone has neither.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CODE = /\.(ts|mts|mjs|js|cjs|sh|py|json|html|css|md)$|(^|\/)\.ci\/run$/;
/** Paths that name one machine's layout, or the development-only sibling folder. */
const FORBIDDEN = [/(^|[^\w.])\.\.\/shared\b/, /\bshared\/spec\//, /\/work\/(shared|main)\b/, /\/home\/\w+\//, /\/Users\/\w+\//];
/** A relative path literal: './x', '../x' inside quotes or backticks. */
const RELATIVE_LITERAL = /['"`]((?:\.\.\/)+[^'"`\s$]*)['"`]/g;

function trackedCodeFiles(): string[] {
  const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
  // This file names the patterns it looks for, so it is the one file not scanned.
  const self = relative(root, fileURLToPath(import.meta.url));
  return files.filter((file) => CODE.test(file) && file !== self && !file.startsWith('datasets/') && !file.endsWith('pnpm-lock.yaml'));
}

/** Every place in `text` that leaves the repository, as 'line: text'. */
export function pathsOutsideRepo(file: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const pattern of FORBIDDEN) if (pattern.test(line)) found.push(`${file}:${i + 1}: ${line.trim()}`);
    // Relative paths in comments are examples, not reads.
    const code = /^\s*(\/\/|\*|\/\*|#)/.test(line) ? '' : line;
    for (const match of code.matchAll(RELATIVE_LITERAL)) {
      const target = resolve(root, dirname(file), match[1]);
      if (relative(root, target).startsWith('..')) found.push(`${file}:${i + 1}: ${match[1]} resolves outside the repository`);
    }
  });
  return found;
}

describe('the repository is self-contained', () => {
  it('detects the patterns it is meant to catch', () => {
    // Assembled from parts, so this file's own text holds no such path.
    const sibling = ['..', 'shared', 'datasets', 'cranfield'].join('/');
    const machine = ['', 'work', 'shared', 'datasets', 'cranfield', 'corpus.jsonl'].join('/');
    expect(pathsOutsideRepo('packages/eval/test/x.ts', `new URL('../../../${sibling}', import.meta.url)`)).toHaveLength(2);
    expect(pathsOutsideRepo('bench/x.ts', `readFileSync('${machine}')`)).toHaveLength(1);
    expect(pathsOutsideRepo('packages/eval/test/x.ts', "new URL('../../../datasets/cranfield', import.meta.url)")).toEqual([]);
  });

  it('no tracked source, test, script or bench file refers to a path outside the repository', () => {
    const files = trackedCodeFiles();
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.flatMap((file) => pathsOutsideRepo(file, readFileSync(join(root, file), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
