// Every on/off or scope setting of the catalogue is also a `whocan` action with the same key.

import type { ActionDef } from './engine.js';
import { effectiveSetting, fixesToReach, settingTrace } from './policy-resolution.js';
import { judgeScope, SCOPED_TARGET_KINDS, targetSchools } from './school-scope.js';
import { CATALOGUE, isActionSetting, SECTION_TITLES, type SettingDef } from './settings-catalogue.js';
import { allow, deny, fail, pass } from './trace.js';

function onOffAction(def: SettingDef): ActionDef {
  return {
    key: def.key,
    description: `${def.label} (${SECTION_TITLES[def.section]}): on/off setting`,
    targetKinds: [],
    targetRequired: false,
    module: 'profiles',
    candidates: ({ facts }) => [...facts.usersWithProfileValue(def.key, ['on']), ...facts.usersWithPolicyFor(def.key)],
    evaluate({ facts, subject }) {
      const eff = effectiveSetting(facts, subject, def.key);
      const trace = settingTrace(subject, eff);
      if (eff.value === 'on') {
        trace.push(pass('setting', `${def.key} is on for ${subject.username}`, eff.source));
        return allow(trace);
      }
      trace.push(fail('setting', `${def.key} is off for ${subject.username}`, eff.source));
      return deny(trace, fixesToReach(subject, eff, 'on'));
    },
  };
}

function scopeAction(def: SettingDef): ActionDef {
  return {
    key: def.key,
    description: `${def.label} (${SECTION_TITLES[def.section]}): site/school/disabled, judged against the target`,
    targetKinds: SCOPED_TARGET_KINDS,
    targetRequired: false,
    module: 'profiles',
    candidates({ facts, target }) {
      const policy = [...facts.usersWithPolicyFor(def.key)];
      if (!target) return [...facts.usersWithProfileValue(def.key, ['site', 'school']), ...policy];
      const bySchool = facts.usersWithProfileValueInSchools(def.key, ['school'], targetSchools(facts, target));
      return [...facts.usersWithProfileValue(def.key, ['site']), ...bySchool, ...policy];
    },
    evaluate({ facts, subject, target }) {
      return judgeScope(facts, subject, def.key, target);
    },
  };
}

export function settingActions(): ActionDef[] {
  return CATALOGUE.filter(isActionSetting).map((def) => (def.kind === 'on-off' ? onOffAction(def) : scopeAction(def)));
}
