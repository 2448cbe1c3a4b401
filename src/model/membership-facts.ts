// Facts about unit membership that an access test's `only: … units:` reads (a member of a unit or
// of a unit below it). src/db/facts/membership-facts.ts provides them.

declare module './facts.js' {
  interface Facts {
    /** Whether the user is a member of the unit or of a unit below it. */
    belongsToUnit(userId: number, unitId: string): boolean;
  }
}

export {};
