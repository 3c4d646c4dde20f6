import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';

/* eslint-disable @typescript-eslint/no-require-imports -- see loadSdk */
/** The MCP SDK (about 130 ms and 24 MB to load), loaded when a server is first connected, so an install without MCP servers never pays for it. */
function loadSdk() {
  const client = require('@modelcontextprotocol/sdk/client/index.js') as typeof import('@modelcontextprotocol/sdk/client/index.js');
  const stdio = require('@modelcontextprotocol/sdk/client/stdio.js') as typeof import('@modelcontextprotocol/sdk/client/stdio.js');
  const http = require('@modelcontextprotocol/sdk/client/streamableHttp.js') as typeof import('@modelcontextprotocol/sdk/client/streamableHttp.js');
  const types = require('@modelcontextprotocol/sdk/types.js') as typeof import('@modelcontextprotocol/sdk/types.js');
  return {
    Client: client.Client,
    StdioClientTransport: stdio.StdioClientTransport,
    getDefaultEnvironment: stdio.getDefaultEnvironment,
    StreamableHTTPClientTransport: http.StreamableHTTPClientTransport,
    ToolListChangedNotificationSchema: types.ToolListChangedNotificationSchema,
  };
}
/* eslint-enable @typescript-eslint/no-require-imports */
type McpSdk = ReturnType<typeof loadSdk>;
import { z } from 'zod';
import type { McpServerConfig, ToolSpec } from '@switchboard/models';
import { matchesPeer } from '../../peer-match';
import type { EngineLogger } from '../../engine/engine.types';
import { silentLogger } from '../../engine/engine.types';

/** How a server is doing: `down` servers are retried with backoff until they answer. */
export type McpServerState = 'connecting' | 'connected' | 'down' | 'disabled';

/** One MCP tool as Switchboard names it. */
export interface McpToolInfo {
  /** `server.tool`: what allow-lists and the tools list use. */
  name: string;
  /** `server__tool`: what models see (providers allow only letters, digits, "_" and "-" in tool names). */
  modelName: string;
  server: string;
  description: string;
}

/** A server's state for the tools list and logs. */
export interface McpServerStatus {
  name: string;
  transport: 'stdio' | 'http';
  state: McpServerState;
  error: string | null;
  connectedAt: string | null;
  nextRetryAt: string | null;
  tools: McpToolInfo[];
}

export interface McpHubOptions {
  servers: Record<string, McpServerConfig>;
  log?: EngineLogger;
  /** First retry delay after a failed connection; doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  /** How long connecting (and listing tools) may take. */
  connectTimeoutMs?: number;
  /** Where a stdio server's output to stderr goes (inherited by default: its logs are the operator's). */
  stderr?: 'inherit' | 'ignore' | 'pipe';
}

/** The `server.*` pattern of allow-lists, matched like peer globs (`*` is any run of characters). */
export function allowsTool(allowList: readonly string[], name: string): boolean {
  return allowList.some((pattern) => matchesPeer(pattern, name));
}

const CLIENT_INFO = { name: 'switchboard', version: '1.0.0' };

/**
 * Connects the configured MCP servers (stdio and Streamable HTTP) and offers their tools as
 * ToolSpecs. A server that fails is reported and retried with backoff; its tools are simply
 * absent meanwhile, and a call to a tool whose server dropped fails as a tool error.
 */
export class McpHub {
  private readonly servers: McpServerConnection[];

  constructor(options: McpHubOptions) {
    const log = options.log ?? silentLogger;
    this.servers = Object.entries(options.servers).map(([name, config]) => new McpServerConnection(name, config, log.child({ mcpServer: name }), options));
  }

  /** Starts connecting every enabled server; resolves when each first attempt has ended (failures included). */
  async start(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.start()));
  }

  /** Every server and its tools. */
  status(): McpServerStatus[] {
    return this.servers.map((s) => s.status());
  }

  /** The tools of connected servers whose `server.tool` name the allow-list matches (none without a list). */
  toolsFor(allowList: readonly string[] | undefined): ToolSpec[] {
    if (!allowList?.length) return [];
    return this.servers.flatMap((s) => s.toolSpecs().filter((t) => allowsTool(allowList, t.info.name)).map((t) => t.spec));
  }

  /** Closes every connection (stdio children are ended) and stops retrying. */
  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.close()));
  }
}

interface McpTool {
  info: McpToolInfo;
  spec: ToolSpec;
}

class McpServerConnection {
  private state: McpServerState;
  private client: Client | null = null;
  /** A connection still being made: close() ends it too (a stdio child mid-handshake). */
  private pending: Client | null = null;
  private tools: McpTool[] = [];
  private error: string | null = null;
  private connectedAt: Date | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private nextRetryAt: Date | null = null;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly name: string,
    private readonly config: McpServerConfig,
    private readonly log: EngineLogger,
    private readonly options: McpHubOptions,
  ) {
    this.state = config.enabled ? 'connecting' : 'disabled';
  }

  private get transportKind(): 'stdio' | 'http' {
    return 'command' in this.config ? 'stdio' : 'http';
  }

  start(): Promise<void> {
    return this.config.enabled ? this.connect() : Promise.resolve();
  }

  status(): McpServerStatus {
    return {
      name: this.name,
      transport: this.transportKind,
      state: this.state,
      error: this.error,
      connectedAt: this.connectedAt?.toISOString() ?? null,
      nextRetryAt: this.nextRetryAt?.toISOString() ?? null,
      tools: this.tools.map((t) => t.info),
    };
  }

  toolSpecs(): McpTool[] {
    return this.state === 'connected' ? this.tools : [];
  }

  private transport(sdk: McpSdk): Transport {
    if ('command' in this.config) {
      return new sdk.StdioClientTransport({
        command: this.config.command,
        args: this.config.args,
        env: { ...sdk.getDefaultEnvironment(), ...this.config.env },
        ...(this.config.cwd ? { cwd: this.config.cwd } : {}),
        stderr: this.options.stderr ?? 'inherit',
      });
    }
    return new sdk.StreamableHTTPClientTransport(new URL(this.config.url), { requestInit: { headers: this.config.headers } });
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    this.state = 'connecting';
    this.nextRetryAt = null;
    const sdk = loadSdk();
    const client = new sdk.Client(CLIENT_INFO);
    const timeout = this.options.connectTimeoutMs ?? 10_000;
    this.pending = client;
    try {
      await client.connect(this.transport(sdk), { timeout });
      if (this.closed) {
        await client.close().catch(() => undefined);
        return;
      }
      this.client = client;
      this.tools = await this.listTools(client, timeout);
      client.onclose = () => this.dropped(client, 'the connection closed');
      client.setNotificationHandler(sdk.ToolListChangedNotificationSchema, async () => {
        this.tools = await this.listTools(client, timeout).catch(() => this.tools);
        this.log.info({ tools: this.tools.length }, 'MCP server tools changed');
      });
      this.state = 'connected';
      this.error = null;
      this.failures = 0;
      this.connectedAt = new Date();
      this.log.info({ tools: this.tools.map((t) => t.info.name) }, 'MCP server connected');
    } catch (err) {
      await client.close().catch(() => undefined);
      if (this.client === client) this.client = null;
      this.fail(errorText(err));
    } finally {
      if (this.pending === client) this.pending = null;
    }
  }

  /** The connection ended on its own (a crashed child, a closed HTTP session): reconnect later. */
  private dropped(client: Client, reason: string): void {
    if (this.closed || this.client !== client) return;
    this.client = null;
    this.fail(reason);
  }

  private fail(reason: string): void {
    if (this.closed) return;
    this.state = 'down';
    this.error = reason;
    const base = this.options.retryMs ?? 1000;
    const delay = Math.min(base * 2 ** this.failures, this.options.maxRetryMs ?? 60_000);
    this.failures++;
    this.nextRetryAt = new Date(Date.now() + delay);
    this.log.warn({ err: reason, retryInMs: delay, failures: this.failures }, 'MCP server is down; retrying');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private async listTools(client: Client, timeout: number): Promise<McpTool[]> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {}, { timeout });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    const seen = new Set<string>();
    const out: McpTool[] = [];
    for (const tool of tools) {
      const modelName = `${this.name}__${tool.name.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 64);
      if (seen.has(modelName)) {
        this.log.warn({ tool: tool.name }, 'MCP tool skipped: its name clashes with another tool of the server once made model-safe');
        continue;
      }
      seen.add(modelName);
      const info: McpToolInfo = { name: `${this.name}.${tool.name}`, modelName, server: this.name, description: tool.description ?? '' };
      out.push({ info, spec: this.toolSpec(info, tool) });
    }
    return out;
  }

  private toolSpec(info: McpToolInfo, tool: Tool): ToolSpec {
    return {
      name: info.modelName,
      description: `${tool.description ?? tool.title ?? tool.name} (MCP server "${this.name}")`,
      input: inputSchema(tool.inputSchema),
      execute: (input, ctx) => this.call(tool.name, input as Record<string, unknown>, ctx.abortSignal),
    };
  }

  private async call(toolName: string, args: Record<string, unknown>, signal: AbortSignal | undefined): Promise<string> {
    const client = this.client;
    if (!client || this.state !== 'connected') throw new Error(`MCP server "${this.name}" is not connected${this.error ? ` (${this.error})` : ''}`);
    const timeout = this.config.timeoutMs;
    let result;
    try {
      result = await client.callTool({ name: toolName, arguments: args }, undefined, { timeout, ...(signal ? { signal } : {}) });
    } catch (err) {
      const text = errorText(err);
      throw new Error(/timed out|timeout/i.test(text) ? `${this.name}.${toolName} did not answer within ${timeout} ms` : `${this.name}.${toolName} failed: ${text}`);
    }
    const text = resultText(result);
    const limited = text.length > this.config.maxResultChars ? `${text.slice(0, this.config.maxResultChars)} …[cut at ${this.config.maxResultChars} characters]` : text;
    if (result.isError) throw new Error(limited || `${this.name}.${toolName} reported an error`);
    return limited;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const clients = [this.client, this.pending].filter((c): c is Client => c !== null);
    this.client = null;
    this.pending = null;
    this.state = this.config.enabled ? 'down' : 'disabled';
    this.error = 'closed';
    await Promise.all(clients.map((c) => c.close().catch((err) => this.log.warn({ err: errorText(err) }, 'MCP server did not close cleanly'))));
  }
}

/** The tool's JSON Schema as zod (validation and the schema models see); any object when it cannot be read. */
function inputSchema(schema: Tool['inputSchema']): z.ZodType {
  try {
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    return z.record(z.string(), z.unknown());
  }
}

/** A call result as text for the model: text parts joined, structured content as JSON, other parts named. */
function resultText(result: Awaited<ReturnType<Client['callTool']>>): string {
  const parts: string[] = [];
  const content = Array.isArray(result.content) ? (result.content as Array<Record<string, unknown>>) : [];
  for (const part of content) {
    if (part.type === 'text' && typeof part.text === 'string') parts.push(part.text);
    else if (part.type === 'resource' && typeof (part.resource as { text?: unknown })?.text === 'string') parts.push((part.resource as { text: string }).text);
    else parts.push(`[${String(part.type)} content omitted]`);
  }
  if (!parts.length && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
  if (!parts.length && 'toolResult' in result) parts.push(JSON.stringify(result.toolResult));
  return parts.join('\n');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
