// Records a sync owns that were changed by hand since their last import (migration 005's triggers
// write each such change): the next sync from that source will undo them.

import { driftLabel, syncDrift } from '../rosters/sync-records.js';
import type { DoctorCheck } from './doctor-checks.js';

export const syncDriftCheck: DoctorCheck = {
  key: 'sync-drift',
  description: 'records from a roster sync that were changed by hand since their last import',
  run(db) {
    const rows = syncDrift(db);
    const bySource = new Map<string, typeof rows>();
    for (const r of rows) {
      let l = bySource.get(r.source);
      if (!l) bySource.set(r.source, (l = []));
      l.push(r);
    }
    return [...bySource].flatMap(([source, items]) => {
      // The newest change per record is the one that matters.
      const latest = new Map<string, (typeof items)[number]>();
      for (const r of items) latest.set(driftLabel(r), r);
      return [...latest.entries()].map(([label, r]) => ({
        severity: 'warning' as const,
        message: `${label} comes from ${source} and was ${r.change === 'delete' ? 'removed' : 'changed'} by hand at ${r.at}; the next sync from ${source} will undo it. Change it in the source system, or re-import to take the source's version now.`,
        users: r.entity === 'unit' || r.entity === 'course' ? [] : [r.entity === 'course-member' ? r.b : r.a],
        // The fix is in the source system, or the next import of its file: no command here can name it.
        fixes: [],
      }));
    });
  },
};
