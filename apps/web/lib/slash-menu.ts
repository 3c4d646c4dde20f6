import { COMMANDS } from '@switchboard/session';

/** One entry of the composer's slash menu: a command every door understands, from the shared list. */
export interface SlashItem {
  name: string;
  usage: string;
  description: string;
  /** Typed after it (`/model fast`): completing leaves a space for the argument. */
  takesArgs: boolean;
}

export const SLASH_ITEMS: readonly SlashItem[] = COMMANDS.map((c) => ({
  name: c.name,
  usage: c.usage,
  description: 'aliases' in c && c.aliases?.length ? `${c.description} (also /${c.aliases.join(', /')})` : c.description,
  takesArgs: c.usage.includes(' '),
}));

/**
 * The commands matching what is typed: open only while the text is a lone `/word` (no space, no
 * newline), matching by prefix first, then anywhere in the name; `null` when the menu is closed.
 */
export function slashMatches(text: string, items: readonly SlashItem[] = SLASH_ITEMS): SlashItem[] | null {
  if (!text.startsWith('/') || /\s/.test(text)) return null;
  const q = text.slice(1).toLowerCase();
  const prefix = items.filter((i) => i.name.startsWith(q));
  const inside = items.filter((i) => !i.name.startsWith(q) && i.name.includes(q));
  const all = [...prefix, ...inside];
  return all.length ? all : null;
}

/** The text after picking a command: `/name`, plus a space when it takes an argument. */
export function completeSlash(item: SlashItem): string {
  return `/${item.name}${item.takesArgs ? ' ' : ''}`;
}
