// The names of `-o/--output`, apart so completion can know them without loading the renderer.

export const OUTPUT_FORMATS = ['table', 'plain', 'json', 'csv', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
