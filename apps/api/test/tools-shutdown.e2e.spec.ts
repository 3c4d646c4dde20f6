import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { apiTestEnv, eventually, fakeCatalog, processAlive as alive, startApiProcess } from '@switchboard/tools/testing';
import { MCP_STDIO_SERVER_SCRIPT } from '@switchboard/session/testing';
import { startFakeLlm } from '@switchboard/tools/fake-llm';
import type { ToolsResponse } from '@switchboard/protocol';
import { describeSqlite } from './harness';

const TOKEN = 'tools-shutdown-token-0123456789';

/** A server that accepts connections and never answers: an MCP server stuck mid-handshake. */
async function silentServer(): Promise<{ url: string; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/mcp`,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

// The real process, SIGTERM and all; the database plays no part, so once (SQLite) is enough.
describeSqlite('MCP servers at shutdown (real API process)', () => {
  it('stops within 10 s of SIGTERM with a stdio server running and another stuck connecting, and ends the stdio child', async () => {
    const fake = await startFakeLlm();
    const silent = await silentServer();
    const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-shutdown-')), 'pids');
    const config = fakeCatalog(fake, {
      mcpServers: {
        local: { command: process.execPath, args: [MCP_STDIO_SERVER_SCRIPT], env: { MCP_PID_FILE: pidFile } },
        stuck: { url: silent.url },
      },
    });
    const { dataDir, env } = apiTestEnv(config, { token: TOKEN });
    const api = await startApiProcess(env);
    try {
      const tools = () => fetch(`${api.url}/api/v1/tools`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.json() as Promise<ToolsResponse>);
      const status = await eventually(tools, (r) => r.mcpServers.some((s) => s.name === 'local' && s.state === 'connected'), 'the stdio server connected');
      expect(status.mcpServers.find((s) => s.name === 'stuck')?.state).toBe('connecting');
      const pid = Number(fs.readFileSync(pidFile, 'utf8').trim().split('\n')[0]);
      expect(alive(pid)).toBe(true);

      const t0 = Date.now();
      const exited = new Promise<number | null>((resolve) => api.child.once('exit', (code) => resolve(code)));
      api.child.kill('SIGTERM');
      await exited;
      expect(Date.now() - t0).toBeLessThan(10_000);
      await eventually(() => alive(pid), (a) => !a, 'the stdio server ended');
    } finally {
      await api.stop();
      silent.close();
      await fake.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
