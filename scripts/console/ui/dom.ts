/** Small DOM helpers for the console page (no framework). */

type Child = Node | string | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) if (child !== undefined && child !== false) node.append(child);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string | number>> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children) if (child !== undefined && child !== false) node.append(child);
  return node;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as T;
}

/** A table with a header row and one row per entry. */
export function table(
  header: readonly string[],
  rows: readonly (readonly Child[])[],
  className = '',
): HTMLTableElement {
  return el(
    'table',
    className ? { class: className } : {},
    el('thead', {}, el('tr', {}, ...header.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((c) => el('td', {}, c))))),
  );
}

/** GET or POST a console API; its `{ error }` becomes a thrown Error. */
export async function api<T>(pathAndQuery: string, method: 'GET' | 'POST' = 'GET'): Promise<T> {
  const response = await fetch(pathAndQuery, { method });
  const body = (await response.json()) as T | { error: string };
  if (!response.ok) {
    const message = (body as { error?: string }).error ?? `${response.status} ${response.statusText}`;
    throw new Error(message);
  }
  return body as T;
}

export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Drops the parts a view left out (`cond ? el(...) : undefined`). */
export const present = <T>(value: T | undefined | false): value is T =>
  value !== undefined && value !== false;
