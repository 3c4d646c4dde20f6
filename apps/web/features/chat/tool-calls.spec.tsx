/** @jest-environment jsdom */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import type { Message, ToolInfo } from '@switchboard/protocol';
import { ApiProvider } from '../../lib/api-context';
import type { DashboardApi } from '../../lib/dashboard-api';
import { StreamStore, StreamStoreContext } from '../../lib/stream-store';
import { message } from '../../lib/testing/fixtures';
import { formatDuration, formatToolValue } from '../../lib/tool-values';
import { MarkdownRendererProvider, type MarkdownRendererProps } from './markdown';
import { TOOL_VALUE_SHOWN_CHARS } from './tool-calls';
import { Transcript } from './transcript';

function MarkdownRenderer({ text }: MarkdownRendererProps) {
  return <div className="md">{text}</div>;
}

const TOOLS: ToolInfo[] = [
  { name: 'demo.echo', modelName: 'demo__echo', source: 'mcp', server: 'demo', description: '', available: true },
  { name: 'web_fetch', modelName: 'web_fetch', source: 'builtin', server: null, description: '', available: true },
];

function renderTranscript(messages: Message[], store = new StreamStore((flush) => flush()), streaming = false) {
  const client = { listTools: async () => ({ tools: TOOLS, mcpServers: [] }) } as unknown as DashboardApi['client'];
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const ui = (list: Message[]) => (
    <QueryClientProvider client={qc}>
      <ApiProvider value={{ client, memory: {} as DashboardApi['memory'], connect: async () => Promise.reject(new Error('no socket')) }}>
        <StreamStoreContext.Provider value={store}>
          <MarkdownRendererProvider renderer={{ MarkdownRenderer }}>
            <Transcript messages={list} streaming={streaming} />
          </MarkdownRendererProvider>
        </StreamStoreContext.Provider>
      </ApiProvider>
    </QueryClientProvider>
  );
  const r = render(ui(messages));
  return { ...r, store, rerenderWith: (list: Message[]) => r.rerender(ui(list)) };
}

const rows = () => screen.queryAllByTestId('tool-call');
const head = (row: HTMLElement) => within(row).getByRole('button');

describe("a reply's tool calls", () => {
  it('shows each stored call as a collapsed row (name, origin, outcome, duration) that opens to its input and output', async () => {
    const reply = message({
      id: 'a1',
      seq: 2,
      role: 'assistant',
      turnId: 't1',
      content: 'Done.',
      parts: [
        { type: 'tool-call', toolCallId: 'c1', toolName: 'demo__echo', input: { text: 'over MCP' } },
        { type: 'tool-result', toolCallId: 'c1', toolName: 'demo__echo', output: 'over MCP', durationMs: 42 },
        { type: 'tool-call', toolCallId: 'c2', toolName: 'web_fetch', input: { url: 'http://192.168.1.1/' } },
        { type: 'tool-result', toolCallId: 'c2', toolName: 'web_fetch', output: { error: '192.168.1.1 is a private address' }, isError: true, durationMs: 1500 },
        // Stored before outcomes were recorded: the { error } shape still reads as a failure.
        { type: 'tool-call', toolCallId: 'c3', toolName: 'gone__tool', input: {} },
        { type: 'tool-result', toolCallId: 'c3', toolName: 'gone__tool', output: { error: 'timed out' } },
        { type: 'text', text: 'Done.' },
      ],
    });
    renderTranscript([message({ id: 'u1', seq: 1, content: 'go' }), reply]);
    await act(async () => undefined);
    // Where each tool comes from is read from the API's tool list.
    await screen.findByText('built-in');
    const [echo, fetch, gone] = rows();
    expect(rows()).toHaveLength(3);
    expect(head(echo).textContent).toBe('demo.echoMCP · demo ok42 ms');
    expect(head(fetch).textContent).toBe('web_fetchbuilt-in failed1.5 s');
    expect(head(gone).textContent).toBe('gone.toolMCP · gone failed');
    expect(fetch.getAttribute('data-state')).toBe('error');
    for (const row of rows()) expect(head(row).getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByTestId('tool-call-body')).toBeNull();

    fireEvent.click(head(echo));
    expect(head(echo).getAttribute('aria-expanded')).toBe('true');
    const body = within(echo).getByTestId('tool-call-body');
    expect(head(echo).getAttribute('aria-controls')).toBe(body.id);
    expect(body.textContent).toBe('Input{\n  "text": "over MCP"\n}Outputover MCP');
    fireEvent.click(head(fetch));
    expect(within(fetch).getByTestId('tool-call-body').textContent).toContain('Error{\n  "error": "192.168.1.1 is a private address"\n}');
    fireEvent.click(head(echo));
    expect(within(echo).queryByTestId('tool-call-body')).toBeNull();
  });

  it('clips a long output and says how much is shown', async () => {
    const reply = message({
      id: 'a1',
      seq: 1,
      role: 'assistant',
      content: 'Long.',
      parts: [
        { type: 'tool-call', toolCallId: 'c1', toolName: 'demo__echo', input: {} },
        { type: 'tool-result', toolCallId: 'c1', toolName: 'demo__echo', output: 'y'.repeat(50_000) },
      ],
    });
    renderTranscript([reply]);
    await act(async () => undefined);
    fireEvent.click(head(rows()[0]));
    const pre = rows()[0].querySelectorAll('pre')[1];
    expect(pre.textContent).toHaveLength(TOOL_VALUE_SHOWN_CHARS);
    expect(rows()[0].textContent).toContain('Showing the first 4,000 of 50,000 characters.');
  });

  it('shows a running reply\'s calls live from the tool events, and keeps an opened row open when the reply completes', async () => {
    const live = message({ id: 'a1', seq: 2, role: 'assistant', turnId: 't1', status: 'streaming', content: '' });
    const { store, rerenderWith } = renderTranscript([message({ id: 'u1', seq: 1, content: 'go' }), live], undefined, true);
    await act(async () => undefined);
    expect(rows()).toHaveLength(0);
    act(() => store.toolStarted({ sessionId: 's1', turnId: 't1', toolCallId: 'c1', toolName: 'demo__echo', input: { text: 'hi' } }));
    expect(head(rows()[0]).textContent).toBe('demo.echoMCP · demorunning…');
    fireEvent.click(head(rows()[0]));
    expect(rows()[0].textContent).toContain('Waiting for the result…');
    act(() => store.toolFinished({ sessionId: 's1', turnId: 't1', toolCallId: 'c1', toolName: 'demo__echo', ok: true, output: 'hi', durationMs: 7 }));
    expect(head(rows()[0]).textContent).toBe('demo.echoMCP · demo ok7 ms');
    // Another turn's events do not show here.
    act(() => store.toolStarted({ sessionId: 's1', turnId: 'other', toolCallId: 'c9', toolName: 'web_fetch', input: {} }));
    expect(rows()).toHaveLength(1);

    const done: Message = {
      ...live,
      status: 'complete',
      content: 'hi',
      parts: [
        { type: 'tool-call', toolCallId: 'c1', toolName: 'demo__echo', input: { text: 'hi' } },
        { type: 'tool-result', toolCallId: 'c1', toolName: 'demo__echo', output: 'hi', durationMs: 7 },
        { type: 'text', text: 'hi' },
      ],
    };
    store.finishTools('t1');
    rerenderWith([message({ id: 'u1', seq: 1, content: 'go' }), done]);
    await act(async () => undefined);
    expect(rows()).toHaveLength(1);
    expect(head(rows()[0]).getAttribute('aria-expanded')).toBe('true');
    expect(within(rows()[0]).getByTestId('tool-call-body').textContent).toBe('Input{\n  "text": "hi"\n}Outputhi');
  });

  it('shows nothing for a reply without tool calls', async () => {
    renderTranscript([message({ id: 'a1', seq: 1, role: 'assistant', content: 'Hello.' })]);
    await act(async () => undefined);
    expect(rows()).toHaveLength(0);
  });
});

describe('tool values', () => {
  it('shows strings as they are and the rest as JSON, cut without splitting a surrogate pair', () => {
    expect(formatToolValue('plain', 10)).toEqual({ text: 'plain', total: 5 });
    expect(formatToolValue({ a: 1 }, 100)).toEqual({ text: '{\n  "a": 1\n}', total: 12 });
    expect(formatToolValue(undefined, 10).text).toBe('(none)');
    expect(formatToolValue('ab😀cd', 3)).toEqual({ text: 'ab', total: 6 });
  });

  it('formats durations', () => {
    expect(formatDuration(42)).toBe('42 ms');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});
