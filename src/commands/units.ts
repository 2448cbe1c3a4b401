// `units`: the hierarchy of schools, organisations, classes and groups under the site root.

import type { Command } from 'commander';
import {
  addUnit,
  checkPlacement,
  childUnitCount,
  isWithin,
  moveUnit,
  removeUnit,
  unitExists,
  unitsWithMembers,
  unitUses,
  type UnitUse,
} from '../db/stores/hierarchy-store.js';
import { checkIdentifier, requireUnit } from '../db/stores/lookups.js';
import { invalid } from '../model/errors.js';
import { UNIT_KINDS, type UnitKind } from '../model/facts.js';
import { action, changeResult, examples, type Ctx } from './runtime.js';
import { SITE_TARGET } from '../model/school-scope.js';


export function checkKind(raw: string): UnitKind {
  if (!(UNIT_KINDS as readonly string[]).includes(raw)) throw invalid('bad-unit-kind', `Unit kind "${raw}" is not valid; use ${UNIT_KINDS.join(', ')}.`);
  return raw as UnitKind;
}

/** Under --as: hierarchy management over the parent (or the site for the root). */
function guardHierarchy(ctx: Ctx, parentId: string | null, what: string): void {
  ctx.guard('hierarchy-management', parentId ? { kind: 'unit', id: parentId } : SITE_TARGET, what);
}

async function add(ctx: Ctx, id: string, opts: { kind: string; parent?: string; name?: string }) {
  const db = await ctx.open();
  checkIdentifier('Unit', id);
  const kind = checkKind(opts.kind);
  const k = await ctx.kdb();
  if (await unitExists(k, id)) throw invalid('unit-exists', `Unit "${id}" already exists.`);
  const parent = opts.parent ? requireUnit(db, opts.parent).id : null;
  checkPlacement(db, id, kind, parent);
  guardHierarchy(ctx, parent, `add unit ${id}`);
  const name = opts.name?.trim() || id;
  const { changes } = await ctx.change(`units add ${id}`, async (tx) => {
    await addUnit(tx.db, { id, kind, name, parent });
    tx.record('unit', id, null, { kind, name, parent });
  });
  return changeResult(changes, id);
}

interface TreeNode {
  id: string;
  kind: string;
  name: string;
  members: number;
  children: TreeNode[];
}

async function tree(ctx: Ctx, opts: { root?: string }) {
  const db = await ctx.open();
  const { units, members } = await unitsWithMembers(await ctx.kdb());
  const nodes = new Map<string, TreeNode>(units.map((u) => [u.id, { id: u.id, kind: u.kind, name: u.name, members: members.get(u.id) ?? 0, children: [] }]));
  const roots: TreeNode[] = [];
  for (const u of units) (u.parent_id ? nodes.get(u.parent_id)!.children : roots).push(nodes.get(u.id)!);
  let top = roots;
  if (opts.root) top = [nodes.get(requireUnit(db, opts.root).id)!];
  const lines: string[] = opts.root ? [] : ['site'];
  const walk = (n: TreeNode, prefix: string, last: boolean) => {
    lines.push(`${prefix}${last ? '└─ ' : '├─ '}${n.id} (${n.kind}${n.name !== n.id ? `, ${n.name}` : ''}) ${n.members} member(s)`);
    n.children.forEach((c, i) => walk(c, prefix + (last ? '   ' : '│  '), i === n.children.length - 1));
  };
  top.forEach((n, i) => walk(n, '', i === top.length - 1));
  return { data: top, human: lines.join('\n') || 'The site has no units yet; add one with "schoolctl units add ID --kind school".' };
}

async function move(ctx: Ctx, id: string, opts: { parent: string }) {
  const db = await ctx.open();
  const unit = requireUnit(db, id);
  const parent = opts.parent === 'site' || opts.parent === 'root' ? null : requireUnit(db, opts.parent).id;
  if (parent && (await isWithin(await ctx.kdb(), parent, id))) {
    throw invalid('cycle', `Unit "${id}" cannot move under "${parent}", which is inside it.`);
  }
  checkPlacement(db, id, unit.kind, parent);
  guardHierarchy(ctx, unit.parent_id, `move unit ${id}`);
  guardHierarchy(ctx, parent, `move unit ${id} under ${parent ?? 'the site root'}`);
  const { changes } = await ctx.change(`units move ${id}`, async (tx) => {
    await moveUnit(tx.db, id, parent);
    tx.record('unit', id, { parent: unit.parent_id }, { parent });
  });
  return changeResult(changes, id);
}

const USE_NAMES: Record<UnitUse, string> = {
  memberships: 'membership(s)',
  courses: 'course(s)',
  projects: 'project(s)',
  policies: 'policy(ies)',
  terms: 'term(s)',
  mentorClasses: 'mentor assignment(s) (supervisor remove-mentor --class)',
  headteacherOrgs: 'headteacher assignment(s) (supervisor remove-headteacher --org)',
};

async function remove(ctx: Ctx, id: string) {
  const db = await ctx.open();
  const unit = requireUnit(db, id);
  const k = await ctx.kdb();
  const children = await childUnitCount(k, id);
  if (children) throw invalid('unit-not-empty', `Unit "${id}" still holds ${children} unit(s); move or remove them first.`);
  for (const [use, n] of await unitUses(k, id)) {
    if (n) throw invalid('unit-in-use', `Unit "${id}" still has ${n} ${USE_NAMES[use]}; remove them first.`);
  }
  guardHierarchy(ctx, id, `remove unit ${id}`);
  await ctx.confirm(`Remove unit ${id}?`);
  const { changes } = await ctx.change(`units remove ${id}`, async (tx) => {
    await removeUnit(tx.db, id);
    tx.record('unit', id, { kind: unit.kind, name: unit.name, parent: unit.parent_id }, null);
  });
  return changeResult(changes, id);
}

export function register(program: Command): void {
  const units = program.command('units').description('the hierarchy: schools, organisations, classes and groups');
  examples(
    units
      .command('add')
      .argument('<id>', 'unit id (letters, digits, . _ -)')
      .requiredOption('--kind <kind>', 'school, organisation, class or group')
      .option('--parent <id>', 'the unit above (default: the site root)')
      .option('--name <name>', 'display name (default: the id)')
      .description('add a unit; a school never sits inside another school')
      .action(action(add)),
    ['schoolctl units add west --kind school --name "West College"', 'schoolctl units add 5C --kind class --parent north-lower'],
  );
  examples(units.command('tree').option('--root <id>', 'only the subtree of this unit').description('the hierarchy as a tree').action(action(tree)), [
    'schoolctl units tree',
    'schoolctl units tree --root north --json',
  ]);
  examples(
    units.command('move').argument('<id>').requiredOption('--parent <id>', 'the new unit above ("site" for the root)').description('move a unit and everything below it').action(action(move)),
    ['schoolctl units move 5A --parent south'],
  );
  examples(units.command('remove').argument('<id>').description('remove an empty unit').action(action(remove)), ['schoolctl units add 5C --kind class --parent north-lower && schoolctl units remove 5C --yes']);
}
