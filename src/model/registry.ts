// The one engine every command uses. Each module contributes its actions and target kinds here.

import { adminActions } from './admin-rights.js';
import { DecisionEngine, type TargetKindDef } from './engine.js';
import { privacyActions } from './privacy-rules.js';
import { PORTAL_TARGET_KINDS, schoolfunctionActions } from './schoolfunction-rules.js';
import { settingActions } from './setting-actions.js';
import { SUPERVISOR_SETTING_OVERRIDES, supervisorActions } from './supervisor-rules.js';
import { workflowActions } from './workflow-rules.js';

const CORE_TARGET_KINDS: TargetKindDef[] = [
  { kind: 'user', description: 'user', exists: (f, id) => f.user(id) !== undefined },
  { kind: 'learner', description: 'user', exists: (f, id) => f.user(id) !== undefined },
  { kind: 'unit', description: 'unit', exists: (f, id) => f.unit(id) !== undefined },
  { kind: 'class', description: 'class or group', exists: (f, id) => ['class', 'group'].includes(f.unit(id)?.kind ?? '') },
  { kind: 'course', description: 'course', exists: (f, id) => f.course(id) !== undefined },
  { kind: 'project', description: 'project', exists: (f, id) => f.project(id) !== undefined },
  { kind: 'policy', description: 'policy', exists: (f, id) => f.policy(id) !== undefined },
  { kind: 'term', description: 'term', exists: (f, id) => f.term(id) !== undefined },
  { kind: 'profile', description: 'profile', exists: (f, id) => f.profileByName(id) !== undefined },
];

let engine: DecisionEngine | undefined;

export function decisionEngine(): DecisionEngine {
  if (!engine) {
    engine = new DecisionEngine()
      .registerTargetKinds(CORE_TARGET_KINDS)
      .registerActions(settingActions().filter((a) => !SUPERVISOR_SETTING_OVERRIDES.has(a.key)))
      .registerActions(privacyActions())
      .registerActions(adminActions())
      .registerActions(supervisorActions())
      .registerTargetKinds(PORTAL_TARGET_KINDS)
      .registerActions(workflowActions())
      .registerActions(schoolfunctionActions());
  }
  return engine;
}
