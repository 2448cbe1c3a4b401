// `doctor`: every known misconfiguration, each with its fix. The exit status lets a pipeline fail
// on a broken set-up: 1 when any finding is an error (with --strict, any warning too), else 0.

import type { Command } from 'commander';
import { DOCTOR_CHECKS, runDoctorChecks, type Finding } from '../db/doctor/doctor-checks.js';
import { requireUser } from '../db/stores/lookups.js';
import { EXIT } from '../model/errors.js';
import { safeText } from '../model/text-safety.js';
import { paint } from './render.js';
import { action, examples, type Ctx } from './runtime.js';

/** Whether the findings fail a pipeline: any error, or under --strict any finding at all. */
export function doctorFails(findings: readonly Finding[], strict: boolean): boolean {
  return findings.some((f) => f.severity === 'error' || strict);
}

async function doctor(ctx: Ctx, opts: { user?: string; strict?: boolean }) {
  const db = await ctx.open();
  if (opts.user) requireUser(db, opts.user);
  const facts = ctx.facts();
  let findings = runDoctorChecks(db, facts);
  if (opts.user) findings = findings.filter((f) => f.users.includes(opts.user!));
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const fails = doctorFails(findings, opts.strict === true);
  const lines = findings.length
    ? [
        ...findings.flatMap((f, i) => [
          `${i + 1}. ${f.severity === 'error' ? paint.bad('error') : 'warning'} [${f.check}] ${safeText(f.message)}`,
          ...f.fixes.map((x) => `     fix: ${safeText(x)}`),
        ]),
        `${errors} error(s), ${warnings} warning(s)${fails ? '.' : '; warnings alone do not fail (--strict makes them).'}`,
      ]
    : [`No problems found (${DOCTOR_CHECKS.length} check(s) run).`];
  return {
    data: { checks: DOCTOR_CHECKS.map((c) => c.key), strict: opts.strict === true, errors, warnings, findings },
    human: lines.join('\n'),
    exitStatus: fails ? EXIT.denied : EXIT.ok,
  };
}

export function register(program: Command): void {
  examples(
    program
      .command('doctor')
      .option('--user <username>', 'only findings that concern this user')
      .option('--strict', 'exit 1 on warnings too, not only on errors')
      .description('every known misconfiguration, each with the command that fixes it; exit 1 when any is an error (--strict: any warning too), else 0')
      .addHelpText(
        'after',
        '\nEach finding is an error (the set-up is broken: someone silently lacks access\n' +
          'they were given) or a warning (worth a look, nothing is broken). Exit status:\n' +
          '0 no errors, 1 errors found (with --strict also warnings), 2 invalid input.\n' +
          '--json lists every finding with its check key, severity, message, users and\n' +
          'fixes.\n',
      )
      .action(action(doctor)),
    ['schoolctl doctor', 'schoolctl doctor --strict  # exit 1 on the demo: it has warnings', 'schoolctl doctor --user j.devries --json'],
  );
}
