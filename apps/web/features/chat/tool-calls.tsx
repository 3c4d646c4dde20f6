'use client';
import { useId, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { toolCallsOf, toolOrigin, type Message, type ToolCallSummary, type ToolInfo } from '@switchboard/protocol';
import { useApi } from '../../lib/api-context';
import { queryKeys } from '../../lib/query-keys';
import { useLiveToolCalls } from '../../lib/stream-store';
import { formatDuration, formatToolValue } from '../../lib/tool-values';
import { AlertIcon, CheckIcon, ChevronDownIcon, ToolIcon } from '../shell/icons';

/** Characters of a tool's input or output shown when expanded; the rest is cut (it can be a whole web page). */
export const TOOL_VALUE_SHOWN_CHARS = 4000;

/**
 * The tool calls a reply made, one collapsed row each: live from the tool events while it
 * streams, then from its stored parts (the same rows, so one that was opened stays open).
 */
export function ToolCalls({ message }: { message: Message }) {
  const streaming = message.status === 'streaming';
  const live = useLiveToolCalls(streaming ? message.turnId : null);
  const stored = useMemo(() => toolCallsOf(message.parts), [message.parts]);
  const calls = streaming ? live : stored;
  return calls.length ? <ToolCallList calls={calls} /> : null;
}

/** Where each tool comes from (built-in, memory, an MCP server): the API's tool list, read once in a while. */
function useToolInfos(): readonly ToolInfo[] {
  const api = useApi();
  const { data } = useQuery({ queryKey: queryKeys.tools, queryFn: () => api.client.listTools(), staleTime: 5 * 60_000, retry: false });
  return data?.tools ?? [];
}

function ToolCallList({ calls }: { calls: readonly ToolCallSummary[] }) {
  const tools = useToolInfos();
  return (
    <ul className="tool-calls" aria-label={calls.length === 1 ? 'Tool call' : `${calls.length} tool calls`}>
      {calls.map((call) => (
        <ToolCallRow key={call.toolCallId} call={call} tools={tools} />
      ))}
    </ul>
  );
}

function originLabel(source: ToolInfo['source'] | null, server: string | null): string | null {
  switch (source) {
    case 'mcp':
      return server ? `MCP · ${server}` : 'MCP';
    case 'builtin':
      return 'built-in';
    case 'memory':
      return 'memory';
    default:
      return null;
  }
}

function ToolCallRow({ call, tools }: { call: ToolCallSummary; tools: readonly ToolInfo[] }) {
  const [open, setOpen] = useState(false);
  const bodyId = useId();
  const { name, source, server } = toolOrigin(call.toolName, tools);
  const origin = originLabel(source, server);
  return (
    <li className="tool-call" data-testid="tool-call" data-state={call.state}>
      <button type="button" className="tool-call__head" aria-expanded={open} aria-controls={bodyId} onClick={() => setOpen((o) => !o)}>
        <ChevronDownIcon size={14} className="tool-call__chevron" />
        <ToolIcon size={14} className="tool-call__icon" />
        <span className="tool-call__name">{name}</span>
        {origin ? <span className="tool-call__origin">{origin}</span> : null}
        <span className="tool-call__state">
          {call.state === 'ok' ? (
            <>
              <CheckIcon size={13} /> ok
            </>
          ) : call.state === 'error' ? (
            <>
              <AlertIcon size={13} /> failed
            </>
          ) : (
            'running…'
          )}
        </span>
        {call.durationMs !== undefined ? <span className="tool-call__time">{formatDuration(call.durationMs)}</span> : null}
      </button>
      {open ? (
        <div id={bodyId} className="tool-call__body" data-testid="tool-call-body">
          <ToolValue label="Input" value={call.input} />
          {call.state === 'running' ? (
            <p className="tool-call__note">Waiting for the result…</p>
          ) : (
            <ToolValue label={call.state === 'error' ? 'Error' : 'Output'} value={call.output} />
          )}
        </div>
      ) : null}
    </li>
  );
}

function ToolValue({ label, value }: { label: string; value: unknown }) {
  const { text, total } = formatToolValue(value, TOOL_VALUE_SHOWN_CHARS);
  return (
    <div className="tool-call__value">
      <div className="tool-call__label">{label}</div>
      <pre tabIndex={0}>{text}</pre>
      {total > text.length ? (
        <p className="tool-call__note">
          Showing the first {text.length.toLocaleString('en')} of {total.toLocaleString('en')} characters.
        </p>
      ) : null}
    </div>
  );
}
