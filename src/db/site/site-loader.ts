// Loads a declarative site document (the demo fixture's shape) into a model, inside the caller's
// transaction. It is `apply` without the plan: the same checks, the same bulk kinds.

import { invalid } from '../../model/errors.js';
import type { Sqlite } from '../open.js';
import { applySiteDocument, type SiteDocument } from './site-file.js';

export type { SiteDocument };

/** Loads the document; returns how many rows of each kind were created. */
export function loadSite(db: Sqlite, doc: SiteDocument): Record<string, number> {
  const o = applySiteDocument(db, doc);
  if (o.problems.length) throw invalid('bad-site-file', `The site document has ${o.problems.length} problem(s):\n${o.problems.join('\n')}`);
  const counts: Record<string, number> = {};
  for (const [k, c] of Object.entries(o.counts)) if (c.create) counts[k] = c.create;
  return counts;
}
