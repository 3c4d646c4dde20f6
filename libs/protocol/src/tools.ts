import { z } from 'zod';

const isoDate = z.string().describe('ISO 8601 timestamp');

/** One tool an agent can be allowed, and where it comes from. */
export const toolInfoSchema = z.object({
  name: z.string().describe('the name allow-lists use: `current_time`, or `server.tool` for an MCP tool'),
  modelName: z.string().describe('the name models see (`server__tool` for MCP tools: providers allow only letters, digits, "_" and "-")'),
  source: z.enum(['builtin', 'memory', 'mcp']),
  server: z.string().nullable().describe('the MCP server of an MCP tool'),
  description: z.string(),
  available: z.boolean().describe('false while its MCP server is not connected'),
});
export type ToolInfo = z.infer<typeof toolInfoSchema>;

/** An MCP server of the config file and how it is doing. */
export const mcpServerInfoSchema = z.object({
  name: z.string(),
  transport: z.enum(['stdio', 'http']),
  state: z.enum(['connecting', 'connected', 'down', 'disabled']),
  error: z.string().nullable().describe('why it is down (secrets scrubbed)'),
  connectedAt: isoDate.nullable(),
  nextRetryAt: isoDate.nullable().describe('when a down server is tried again'),
  tools: z.array(z.string()).describe('its tools (`server.tool`), the last ones it listed while down'),
});
export type McpServerInfo = z.infer<typeof mcpServerInfoSchema>;

export const toolsResponseSchema = z.object({
  tools: z.array(toolInfoSchema),
  mcpServers: z.array(mcpServerInfoSchema),
});
export type ToolsResponse = z.infer<typeof toolsResponseSchema>;
