/**
 * Fixtures other projects' tests share (`@switchboard/session/testing`, outside the lib's build):
 * real MCP servers built with the SDK, over Streamable HTTP and over stdio.
 */
export { demoMcpServer, MCP_STDIO_SERVER_SCRIPT, startDemoMcpHttpServer } from './demo-mcp-server';
