// The renderings of an access test run: human text (each failure with its trace), JUnit XML and
// TAP for CI servers. The JSON document is the run itself.

import { hostname } from 'node:os';
import { basename, extname } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { stringify as stringifyYaml } from 'yaml';
import type { AssertionResult, UserDifference } from '../model/access-tests.js';
import { safeText } from '../model/text-safety.js';
import { paint, renderDecision } from './render.js';

export interface TestedAssertion extends AssertionResult {
  readonly file: string;
  readonly line: number;
  readonly ms: number;
}

export interface TestedFile {
  readonly file: string;
  /** Where it was judged: "model FILE", "site FILE" or "model FILE (--db)". */
  readonly site: string;
  readonly whatIf: readonly string[];
  readonly results: readonly TestedAssertion[];
}

export interface TestRun {
  readonly passed: number;
  readonly failed: number;
  readonly files: readonly TestedFile[];
}

const DIFFERENCE: Record<UserDifference['difference'], string> = {
  unexpected: 'allowed, not expected',
  missing: 'expected, not allowed',
  outside: 'allowed, outside the list',
};

/** The lines that explain a failure: expected, got, and the trace, differences or findings. */
export function failureLines(r: AssertionResult): string[] {
  const lines = [`expected: ${safeText(r.expected)}`, `got:      ${safeText(r.got)}`];
  // The shared renderer may colour its marks; reports carry the text only, every name escaped.
  if (r.decision) lines.push(...safeText(stripVTControlCharacters(renderDecision(r.decision)), { newline: true }).split('\n'));
  if (r.differences?.length) {
    lines.push('users that differ:');
    for (const d of r.differences) {
      lines.push(`  ${d.allowed ? '+' : '-'} ${safeText(d.user)}${d.profile ? ` (${safeText(d.profile)})` : ''}, ${DIFFERENCE[d.difference]}: ${d.rule}: ${safeText(d.detail)}`);
    }
    if (r.unexplained) lines.push(`  … and ${r.unexplained} more`);
  }
  if (r.findings?.length) {
    lines.push('findings not expected:');
    for (const f of r.findings) {
      lines.push(`  ${f.severity} [${f.check}] ${safeText(f.message)}`);
      for (const x of f.fixes) lines.push(`    fix: ${safeText(x)}`);
    }
  }
  return lines;
}

export function humanReport(run: TestRun): string {
  const out: string[] = [];
  for (const f of run.files) {
    const failed = f.results.filter((r) => !r.passed).length;
    out.push(paint.bold(`${safeText(f.file)} on ${safeText(f.site)}${f.whatIf.length ? ` with ${f.whatIf.length} what-if command(s)` : ''}: ${f.results.length - failed} passed, ${failed} failed`));
    for (const r of f.results) {
      if (r.passed) {
        out.push(`  ${paint.ok('✓')} ${safeText(r.name)}`);
        continue;
      }
      out.push(`  ${paint.bad('✗')} ${safeText(r.name)} ${paint.dim(`(${safeText(f.file)}:${r.line}, ${r.kind})`)}`);
      out.push(...failureLines(r).map((l) => `      ${l}`));
    }
  }
  out.push(`${run.passed} passed, ${run.failed} failed`);
  return out.join('\n');
}

/** JUnit XML with every element and attribute the common JUnit schemas require. */
export async function junitReport(run: TestRun, when: Date): Promise<string> {
  const { XMLBuilder } = await import('fast-xml-parser');
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  // xs:dateTime without a zone, as the schema's timestamp type asks.
  const timestamp = when.toISOString().slice(0, 19);
  const host = safeText(hostname() || 'localhost');
  const suites = run.files.map((f, id) => {
    const failures = f.results.filter((r) => !r.passed).length;
    const time = f.results.reduce((t, r) => t + r.ms, 0);
    const classname = safeText(basename(f.file, extname(f.file)));
    return {
      '@_name': safeText(f.file),
      '@_id': id,
      '@_package': 'schoolctl',
      '@_tests': f.results.length,
      '@_failures': failures,
      '@_errors': 0,
      '@_skipped': 0,
      '@_time': seconds(time),
      '@_timestamp': timestamp,
      '@_hostname': host,
      properties: { property: [{ '@_name': 'site', '@_value': safeText(f.site) }, ...f.whatIf.map((w) => ({ '@_name': 'what-if', '@_value': safeText(w) }))] },
      testcase: f.results.map((r) => ({
        '@_name': safeText(r.name),
        '@_classname': classname,
        '@_time': seconds(r.ms),
        '@_file': safeText(f.file),
        '@_line': r.line,
        ...(r.passed ? {} : { failure: { '@_message': `expected ${safeText(r.expected)}; got ${safeText(r.got)}`, '@_type': r.kind, '#text': failureLines(r).join('\n') } }),
      })),
      'system-out': '',
      'system-err': '',
    };
  });
  const time = run.files.reduce((t, f) => t + f.results.reduce((s, r) => s + r.ms, 0), 0);
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: { '@_name': 'schoolctl test', '@_tests': run.passed + run.failed, '@_failures': run.failed, '@_errors': 0, '@_time': seconds(time), testsuite: suites },
  };
  const xml = new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: false, processEntities: true }).build(doc) as string;
  return xml;
}

/** TAP version 14: one test point per assertion, a YAML block with the explanation of each failure. */
export function tapReport(run: TestRun): string {
  const all = run.files.flatMap((f) => f.results);
  const out = ['TAP version 14', `1..${all.length}`];
  all.forEach((r, i) => {
    const name = safeText(r.name).replace(/\\/g, '\\\\').replace(/#/g, '\\#');
    out.push(`${r.passed ? 'ok' : 'not ok'} ${i + 1} - ${name}`);
    if (r.passed) return;
    const block = stringifyYaml({ file: r.file, line: r.line, kind: r.kind, expected: safeText(r.expected), got: safeText(r.got), explanation: failureLines(r).slice(2) }, { lineWidth: 0 });
    out.push('  ---', ...block.trimEnd().split('\n').map((l) => `  ${l}`), '  ...');
  });
  return out.join('\n');
}
