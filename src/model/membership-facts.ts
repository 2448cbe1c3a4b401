// Facts about unit membership that an access test's `only: … units:` reads (a member of a unit or
// of a unit below it), and the units a fix for one user can narrow a profile-wide change to. src/db/facts/membership-facts.ts provides them.

declare module './facts.js' {
  interface Facts {
    /** Whether the user is a member of the unit or of a unit below it. */
    belongsToUnit(userId: number, unitId: string): boolean;
    /** The units the user is a member of directly, classes and groups first, then by id. */
    unitsOf(userId: number): readonly { readonly id: string; readonly kind: string }[];
  }
}

export {};
