// Migration names in order. A model's `user_version` is the number of migrations it has run.
// Each module adds its own file and one line here; never reorder or rename.

export const MIGRATION_NAMES = ['001-core', '002-supervisors', '003-workflow', '004-portal', '005-sources'] as const;
