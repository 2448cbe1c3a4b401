// The access diff for people: the summary first (per action, per school), then the first people
// by name with the rule that changed, capped with a pointer to --json; JSON carries everything.

import type { AccessChange, AccessDiff, DecidingRule } from '../model/access-surface.js';
import { summarize, type AccessSummary } from '../model/access-summary.js';
import { safeText } from '../model/text-safety.js';
import { formatTarget } from '../model/trace.js';

/** How many people a human listing names before "… and N more (use --json)". */
export const NAMES_SHOWN = 20;
const SCHOOLS_SHOWN = 6;

function where(c: AccessChange): string {
  const parts = [c.action, formatTarget(c.target), c.term ? `--term ${c.term}` : '', c.project ? `--project ${c.project}` : ''];
  return parts.filter(Boolean).join(' ');
}

function counts(gain: number, loss: number): string {
  return `${loss} ${loss === 1 ? 'person loses' : 'people lose'}, ${gain} ${gain === 1 ? 'gains' : 'gain'}`;
}

/** Where a rule's value came from, in words ("profile Student", "policy South quiet hours, applied to profile Staff"). */
function sourceText(r: DecidingRule): string {
  const s = r.source as Record<string, unknown> | undefined;
  if (!s) return r.rule;
  if (s.kind === 'profile') return `profile ${String(s.profile)}`;
  if (s.kind === 'policy') return `policy ${String(s.policy)}, applied to ${String(s.appliedTo)}`;
  return r.rule;
}

export function accessSummaryLines(s: AccessSummary): string[] {
  if (s.changes === 0) return ['Access diff: no one gains or loses any access.'];
  const lines = [`Access diff: ${s.loss} ${s.loss === 1 ? 'person loses' : 'people lose'} access, ${s.gain} gain (${s.changes} decision${s.changes === 1 ? '' : 's'} change).`];
  for (const a of s.actions) {
    const schools = Object.entries(a.schools);
    const bySchool = schools
      .slice(0, SCHOOLS_SHOWN)
      .map(([school, e]) => `${school ? safeText(school) : 'no school'} ${[e.loss ? `-${e.loss}` : '', e.gain ? `+${e.gain}` : ''].filter(Boolean).join('/')}`)
      .join(', ');
    const more = schools.length > SCHOOLS_SHOWN ? `, … ${schools.length - SCHOOLS_SHOWN} more schools` : '';
    lines.push(`  ${a.action}: ${counts(a.gain, a.loss)}${schools.length ? ` (${bySchool}${more})` : ''}`);
  }
  return lines;
}

export function renderAccessDiff(diff: AccessDiff, summary: AccessSummary = summarize(diff), shown = NAMES_SHOWN): string {
  const lines = accessSummaryLines(summary);
  if (diff.changes.length === 0) return lines.join('\n');
  lines.push('People:');
  for (const c of diff.changes.slice(0, shown)) {
    const rule = c.change === 'gain' ? c.after : c.after.rule === 'not-in-model' ? c.before : c.after;
    lines.push(`  ${c.change === 'gain' ? '+' : '-'} ${safeText(c.user)} ${c.change === 'gain' ? 'gains' : 'loses'} ${safeText(where(c))}: ${safeText(rule.detail)} (${safeText(sourceText(rule))})`);
  }
  if (diff.changes.length > shown) lines.push(`  … and ${diff.changes.length - shown} more (use --json)`);
  return lines.join('\n');
}

export function accessDiffJson(diff: AccessDiff, summary: AccessSummary = summarize(diff)) {
  return { summary, changes: diff.changes, skipped: diff.skipped };
}
