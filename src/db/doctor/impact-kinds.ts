// Which audited changes can have consequences beyond themselves (impact.ts compares them): a
// module of its own, so every change asks without loading the doctor's checks.

/** Whether an audited change can have consequences of that kind (the rest skip the comparison). */
export function mayHaveImpact(c: { entity: string; id: string; after: unknown }): boolean {
  switch (c.entity) {
    case 'profile-setting':
    case 'policy-setting':
      return /(mentor|headteacher)-role/.test(c.id);
    case 'policy-assignment':
    case 'policy':
    case 'user-profile':
    case 'profile':
    case 'portal-user':
    case 'mentor':
    case 'headteacher':
      return true;
    case 'user':
    case 'membership':
    case 'course-member':
    case 'unit':
    case 'ilp-template':
      return c.after === null;
    default:
      return false;
  }
}
