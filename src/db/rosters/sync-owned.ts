// Which fix alternatives change a record that a roster import owns (docs/rosters.md "Where each fact
// came from"): a user, membership, enrolment or parent link whose source is a sync. Such a fix works
// today, but the next sync from that source undoes it, so whocan says what to change in the SIS
// beside it and `--json` carries `syncOwned` on the alternative.

import { parseShellWords } from '../../model/errors.js';
import type { Decision, FixOption, SyncOwned } from '../../model/trace.js';
import type { Sqlite } from '../open.js';

const SYNCED = (source: string | undefined): source is string => source !== undefined && (source.startsWith('oneroster:') || source.startsWith('ims:'));

/** The value of an option in a command's words (`--unit 5A` or `--unit=5A`). */
function option(words: readonly string[], name: string): string | undefined {
  for (let i = 0; i < words.length; i++) {
    if (words[i] === name) return words[i + 1];
    if (words[i].startsWith(`${name}=`)) return words[i].slice(name.length + 1);
  }
  return undefined;
}

/** The sync that owns what one command changes, and what to change in the source system instead. */
export function syncOwnedChange(db: Sqlite, line: string): SyncOwned | undefined {
  const words = parseShellWords(line).slice(1);
  const [group, sub] = words;
  const q = (sql: string, ...args: unknown[]) => db.prepare(sql).pluck().get(...args) as string | undefined;
  const userSource = (u: string | undefined) => (u === undefined ? undefined : q('SELECT source FROM users WHERE username = ?', u));
  const pick = (change: string, ...sources: (string | undefined)[]): SyncOwned | undefined => {
    const source = sources.find(SYNCED);
    return source ? { source, change } : undefined;
  };
  if (group === 'users') {
    const user = words[2];
    const unit = option(words, '--unit');
    const membership = unit === undefined ? undefined : q('SELECT m.source FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.username = ? AND m.unit_id = ?', user, unit);
    if (sub === 'join') {
      const role = option(words, '--role');
      return membership !== undefined
        ? pick(`give ${user} the role ${role ?? 'of their profile'} in org ${unit}`, membership)
        : pick(`add org ${unit} to ${user}'s orgs${role ? ` with the role ${role}` : ''}`, userSource(user));
    }
    if (sub === 'leave') return pick(`take org ${unit} out of ${user}'s orgs`, membership);
    if (sub === 'set-profile') return pick(`give ${user} the role that maps to profile ${words[3]}`, userSource(user));
    if (sub === 'set') return pick(`change ${user}'s record there`, userSource(user));
    if (sub === 'remove') return pick(`remove ${user} there`, userSource(user));
    return undefined;
  }
  if (group === 'courses' && (sub === 'enrol' || sub === 'unenrol')) {
    const [course, user] = [words[2], words[3]];
    const enrolment = q('SELECT m.source FROM course_members m JOIN users u ON u.id = m.user_id WHERE m.course_id = ? AND u.username = ?', course, user);
    const courseSource = q('SELECT source FROM courses WHERE id = ?', course);
    if (sub === 'unenrol') return pick(`remove ${user}'s enrolment in class ${course}`, enrolment);
    return pick(`enrol ${user} in class ${course} as ${option(words, '--role') ?? 'their role'}`, enrolment, userSource(user), courseSource);
  }
  if (group === 'parents' && (sub === 'link' || sub === 'unlink')) {
    const [parent, child] = [words[2], words[3]];
    const link = q('SELECT l.source FROM parent_links l JOIN users p ON p.id = l.parent_id JOIN users c ON c.id = l.child_id WHERE p.username = ? AND c.username = ?', parent, child);
    if (sub === 'unlink') return pick(`take ${parent} out of ${child}'s agents`, link);
    return pick(`add ${parent} to ${child}'s agents`, userSource(child), userSource(parent));
  }
  return undefined;
}

/**
 * The decision with `syncOwned` on each alternative that changes what a sync owns (the first such
 * command of it speaks for the alternative). Other alternatives and an allow are returned as they are.
 */
export function annotateSyncOwned(db: Sqlite, d: Decision): Decision {
  if (d.decision === 'allow' || !d.alternatives?.length) return d;
  try {
    db.prepare('SELECT source FROM users LIMIT 0').all();
  } catch {
    return d; // a model from before sources were kept: nothing is sync-owned
  }
  let any = false;
  const alternatives = d.alternatives.map((a): FixOption => {
    for (const c of a.commands) {
      const owned = syncOwnedChange(db, c);
      if (owned) {
        any = true;
        return { ...a, syncOwned: owned };
      }
    }
    return a;
  });
  return any ? { ...d, alternatives } : d;
}
