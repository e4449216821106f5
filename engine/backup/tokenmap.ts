// Medusa's tokenmap.json (also the node marker of the snapshot layout): `{ "<node>": { "tokens": [...], "dc", "rack",
// "is_up" } }`. Tokens are JSON numbers beyond 2^53, so they are quoted before JSON.parse and read as bigint.

import { CorruptInputError } from '../errors.ts';
import type { NodeTopology } from './model.ts';

const TOKEN_ARRAY = /("tokens"\s*:\s*\[)([^\]]*)\]/g;

/** Quotes the bare numbers inside every `"tokens": [...]` array so they survive JSON.parse without rounding. */
function quoteTokens(text: string): string {
  return text.replace(TOKEN_ARRAY, (_m, open: string, body: string) => {
    if (body.trim() === '') return `${open}]`;
    const items = body.split(',').map((item) => {
      const t = item.trim();
      return t.startsWith('"') ? t : JSON.stringify(t);
    });
    return `${open}${items.join(', ')}]`;
  });
}

export function parseTokenMap(text: string, source: string): NodeTopology[] {
  let raw: unknown;
  try {
    raw = JSON.parse(quoteTokens(text));
  } catch (err) {
    throw new CorruptInputError(source, 0, `tokenmap is not JSON: ${(err as Error).message}`, err);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CorruptInputError(source, 0, 'tokenmap must be an object keyed by node name');
  }
  const nodes: NodeTopology[] = [];
  for (const [name, entry] of Object.entries(raw as Record<string, unknown>)) {
    const e = entry as { tokens?: unknown; dc?: unknown; rack?: unknown };
    if (typeof e !== 'object' || e === null || !Array.isArray(e.tokens)) {
      throw new CorruptInputError(source, 0, `tokenmap entry "${name}" has no tokens array`);
    }
    const tokens = e.tokens.map((t) => {
      if (typeof t !== 'string' || !/^-?\d+$/.test(t.trim())) throw new CorruptInputError(source, 0, `tokenmap entry "${name}" has a bad token ${JSON.stringify(t)}`);
      return BigInt(t.trim());
    });
    const node: NodeTopology = { name, tokens: tokens.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
    if (typeof e.dc === 'string') node.dc = e.dc;
    if (typeof e.rack === 'string') node.rack = e.rack;
    nodes.push(node);
  }
  return nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Writes a token map in Medusa's shape (tokens as bare JSON numbers). */
export function formatTokenMap(nodes: NodeTopology[]): string {
  const entries = nodes.map((n) => {
    const fields = [`"tokens": [${n.tokens.map(String).join(', ')}]`, `"is_up": true`];
    if (n.rack !== undefined) fields.push(`"rack": ${JSON.stringify(n.rack)}`);
    if (n.dc !== undefined) fields.push(`"dc": ${JSON.stringify(n.dc)}`);
    return `  ${JSON.stringify(n.name)}: {${fields.join(', ')}}`;
  });
  return `{\n${entries.join(',\n')}\n}\n`;
}
