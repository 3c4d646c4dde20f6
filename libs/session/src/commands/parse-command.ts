/** A slash command as typed in any door. */
export interface ParsedCommand {
  /** Lower-cased, without the slash or a `@botname` suffix. */
  name: string;
  /** The rest of the message split on whitespace. */
  args: string[];
  /** The rest of the message as typed (trimmed), for commands that take free text. */
  argText: string;
  /** The trimmed message. */
  raw: string;
}

export interface CommandSpec {
  name: string;
  description: string;
  usage: string;
  aliases?: readonly string[];
}

// `/name`, an optional Telegram `@botname`, then whitespace or the end: `/usr/bin` is not a command.
const COMMAND_PATTERN = /^\/([a-z][a-z0-9_]*)(?:@[a-z0-9_]+)?(?=\s|$)/i;

/** The commands every door understands; descriptions are user-facing (/help, Telegram's menu). */
export const COMMANDS = [
  { name: 'help', description: 'Show the commands', usage: '/help' },
  { name: 'start', description: 'Start talking to the assistant', usage: '/start' },
  { name: 'model', description: "Show or switch this chat's model", usage: '/model [id|alias|tier|default]' },
  { name: 'local', description: 'Use the local model in this chat', usage: '/local' },
  { name: 'cloud', description: 'Use the default cloud model in this chat', usage: '/cloud' },
  { name: 'reset', description: "Clear this chat's history and model choice", usage: '/reset', aliases: ['new'] },
  { name: 'usage', description: 'Show tokens and cost of this chat', usage: '/usage' },
  { name: 'memory', description: 'Show what the assistant remembers', usage: '/memory' },
  { name: 'whoami', description: 'Who you are to the assistant, and your limits', usage: '/whoami' },
  { name: 'stop', description: 'Stop the reply in progress', usage: '/stop' },
  { name: 'compact', description: 'Summarise older messages to free up context', usage: '/compact' },
  { name: 'status', description: "Show this chat's model, status and queue", usage: '/status' },
  { name: 'reasoning', description: "Show or hide the model's reasoning in this chat", usage: '/reasoning [on|off]' },
] as const satisfies readonly CommandSpec[];

export type CommandName = (typeof COMMANDS)[number]['name'];

const BY_NAME = new Map<string, CommandName>();
for (const command of COMMANDS as readonly CommandSpec[]) {
  BY_NAME.set(command.name, command.name as CommandName);
  for (const alias of command.aliases ?? []) BY_NAME.set(alias, command.name as CommandName);
}

/** Parses a message that is a slash command (`/model@Bot fast`); null for anything else. */
export function parseCommand(text: string): ParsedCommand | null {
  const raw = text.trim();
  const match = COMMAND_PATTERN.exec(raw);
  if (!match) return null;
  const argText = raw.slice(match[0].length).trim();
  return { name: match[1].toLowerCase(), args: argText ? argText.split(/\s+/) : [], argText, raw };
}

/** The canonical command for a name or alias (case-insensitive, leading slash allowed); null if unknown. */
export function resolveCommandName(name: string): CommandName | null {
  return BY_NAME.get(name.trim().replace(/^\//, '').toLowerCase()) ?? null;
}

/**
 * Where a session's model is set (`/model default`, the CLI, `PUT /sessions/:id/model`, the
 * WebSocket's `session.setModel`), `default` (or `reset`) means "clear the override and follow
 * the global default again", never "pin the default tier" (pin it with `cloud` or a model id).
 */
export function clearsModelOverride(ref: string): boolean {
  const key = ref.trim().toLowerCase();
  return key === 'default' || key === 'reset';
}
