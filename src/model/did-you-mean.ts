// "Did you mean": one wording for every name a person mistypes (commands, options, setting keys,
// actions, users, units, profiles, policies, terms …), with `nearestKey` as the one measure.

import { editDistance, nearestKey } from './settings-catalogue.js';

/** `; did you mean "X"?` to follow the clause naming the unknown `input`, or '' when nothing is close. */
export function didYouMean(input: string, names: Iterable<string>): string {
  const near = nearestKey(input, names);
  // Stricter than nearestKey alone: a short word is "close" to almost any other short word.
  const close = near !== undefined && editDistance(input.toLowerCase(), near.toLowerCase()) <= Math.max(2, Math.floor(input.length / 3));
  return close && near !== input ? `; did you mean "${near}"?` : '';
}
