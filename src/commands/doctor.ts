// `doctor`: every known misconfiguration, each with its fix.

import type { Command } from 'commander';
import { DOCTOR_CHECKS, runDoctorChecks } from '../db/doctor/doctor-checks.js';
import { requireUser } from '../db/stores/lookups.js';
import { paint } from './render.js';
import { action, examples, type Ctx } from './runtime.js';

async function doctor(ctx: Ctx, opts: { user?: string }) {
  const db = await ctx.open();
  if (opts.user) requireUser(db, opts.user);
  const facts = ctx.facts();
  let findings = runDoctorChecks(db, facts);
  if (opts.user) findings = findings.filter((f) => f.users.includes(opts.user!));
  const lines = findings.length
    ? findings.flatMap((f, i) => [
        `${i + 1}. ${f.severity === 'error' ? paint.bad('error') : 'warning'} [${f.check}] ${f.message}`,
        ...f.fixes.map((x) => `     fix: ${x}`),
      ])
    : [`No problems found (${DOCTOR_CHECKS.length} check(s) run).`];
  return { data: { checks: DOCTOR_CHECKS.map((c) => c.key), findings }, human: lines.join('\n') };
}

export function register(program: Command): void {
  examples(
    program
      .command('doctor')
      .option('--user <username>', 'only findings that concern this user')
      .description('every known misconfiguration, each with the command that fixes it')
      .action(action(doctor)),
    ['schoolctl doctor', 'schoolctl doctor --user j.devries --json'],
  );
}
