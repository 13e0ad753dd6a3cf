import { textTable } from '../../shared/table.js';

/** Rows as aligned columns, indented under the scene's heading. */
export const printTable = (rows: string[][]): void => console.log(textTable(rows, { indent: '  ' }));

/** How many times an effect happened: `·` none, `✔` once, `✔×n` more. */
export const mark = (n: number): string => (n === 0 ? '·' : n === 1 ? '✔' : `✔×${n}`);

/** Order ids of one demo run: `demo-<run>-<n>`, so a run's messages can be told apart. */
export interface DemoRun {
  readonly run: string;
  id(n: string): string;
}
