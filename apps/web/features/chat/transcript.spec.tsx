/** @jest-environment jsdom */
import { act, render } from '@testing-library/react';
import type { Message } from '@switchboard/protocol';
import { message } from '../../lib/testing/fixtures';
import { StreamStore, StreamStoreContext } from '../../lib/stream-store';
import { MarkdownRendererProvider, type MarkdownRendererProps } from './markdown';
import { Transcript } from './transcript';

/** A Markdown renderer that counts how often each text is rendered. */
function countingRenderer() {
  const counts = new Map<string, number>();
  function MarkdownRenderer({ text }: MarkdownRendererProps) {
    counts.set(text, (counts.get(text) ?? 0) + 1);
    return <div className="md">{text}</div>;
  }
  return { counts, module: { MarkdownRenderer } };
}

function tenThousandTokens(): string[] {
  // 10,000 tokens of about 4 characters, with a (numbered, so distinct) paragraph break every 120 tokens.
  return Array.from({ length: 10_000 }, (_, i) => (i % 120 === 119 ? `end${Math.floor(i / 120)}.\n\n` : 'word '));
}

describe('Transcript with a streaming reply', () => {
  const earlier = message({ id: 'a1', seq: 2, role: 'assistant', content: 'An earlier answer.', modelLabel: 'Fake Main', modelSource: 'global' });
  const base: Message[] = [
    message({ id: 'u1', seq: 1, content: 'first question' }),
    earlier,
    message({ id: 'u2', seq: 3, content: 'write ten thousand tokens' }),
  ];
  const live = message({ id: 'live', seq: 4, role: 'assistant', status: 'streaming', content: '', modelLabel: 'Fake Quick', modelSource: 'session' });

  it('appends 10,000 streamed tokens to one message without re-rendering the rest of the transcript', async () => {
    const frames: Array<() => void> = [];
    const store = new StreamStore((flush) => frames.push(flush));
    const renderer = countingRenderer();
    const ui = (messages: Message[]) => (
      <StreamStoreContext.Provider value={store}>
        <MarkdownRendererProvider renderer={renderer.module}>
          <Transcript messages={messages} streaming />
        </MarkdownRendererProvider>
      </StreamStoreContext.Provider>
    );
    const { container, rerender } = render(ui([...base, live]));
    await act(async () => undefined); // the (injected) renderer "loads"
    expect(renderer.counts.get('An earlier answer.')).toBe(1);

    const earlierNode = container.querySelector('[data-message-id="a1"]')!;
    let mutations = 0;
    const mo = new MutationObserver((r) => (mutations += r.length));
    mo.observe(earlierNode, { subtree: true, childList: true, characterData: true, attributes: true });

    const tokens = tenThousandTokens();
    const t0 = performance.now();
    let frameCount = 0;
    for (let i = 0; i < tokens.length; i++) {
      store.append('live', tokens[i]);
      if (i % 50 === 49 || i === tokens.length - 1) {
        act(() => frames.splice(0).forEach((f) => f()));
        frameCount++;
      }
    }
    const elapsed = performance.now() - t0;
    const full = tokens.join('');
    await act(async () => undefined);
    mo.disconnect();

    expect(store.get('live')).toBe(full);
    const shown = container.querySelector('[data-message-id="live"] .md-doc')!.textContent ?? '';
    expect(shown.replace(/\s+/g, '') === full.replace(/\s+/g, '')).toBe(true);
    // The earlier reply was rendered once, and its DOM never touched.
    expect(renderer.counts.get('An earlier answer.')).toBe(1);
    expect(mutations).toBe(0);
    // Each finished paragraph was parsed once; only the growing tail is parsed per frame.
    const paragraphs = full.split('\n\n').filter(Boolean);
    for (const p of paragraphs.slice(0, -1)) expect(renderer.counts.get(p.trimEnd())).toBe(1);
    const totalRenders = [...renderer.counts.values()].reduce((a, b) => a + b, 0);
    expect(totalRenders).toBeLessThanOrEqual(paragraphs.length + frameCount + 1);
    expect(elapsed).toBeLessThan(15_000);

    // Completion swaps in the final message: the blocks on screen are kept, nothing re-parsed.
    const before = totalRenders;
    rerender(ui([...base, { ...live, status: 'complete', content: full }]));
    await act(async () => undefined);
    const after = [...renderer.counts.values()].reduce((a, b) => a + b, 0);
    expect(after - before).toBeLessThanOrEqual(1);
    expect(container.querySelector('[data-streaming]')).toBeNull();
  });

  it('shows a typing indicator until the first delta, and the model line of the streaming reply', async () => {
    const store = new StreamStore((flush) => flush());
    const { container, getAllByTestId } = render(
      <StreamStoreContext.Provider value={store}>
        <MarkdownRendererProvider renderer={null}>
          <Transcript messages={[...base, live]} streaming />
        </MarkdownRendererProvider>
      </StreamStoreContext.Provider>,
    );
    expect(container.querySelector('[aria-label="Writing a reply"]')).not.toBeNull();
    expect(getAllByTestId('message-model').map((n) => n.textContent)).toEqual(['Fake Main · global default', 'Fake Quick · session override']);
    act(() => store.append('live', 'Hello'));
    expect(container.querySelector('[data-message-id="live"] .md--plain')!.textContent).toBe('Hello');
  });
});

describe('Transcript: earlier history', () => {
  const later = [message({ id: 'm201', seq: 201, content: 'a later question' }), message({ id: 'm202', seq: 202, role: 'assistant', content: 'a later answer' })];

  it('offers to load earlier messages, calls the loader once while it runs, and says when it failed', async () => {
    let release!: () => void;
    const load = jest.fn(() => new Promise<void>((r) => (release = r)));
    const { getByTestId, rerender, queryByText } = render(<Transcript messages={later} streaming={false} earlier={{ load, loading: false, failed: false }} />);
    const button = getByTestId('load-earlier');
    expect(button.textContent).toBe('Show earlier messages');
    act(() => button.click());
    expect(load).toHaveBeenCalledTimes(1);
    rerender(<Transcript messages={later} streaming={false} earlier={{ load, loading: true, failed: false }} />);
    expect(getByTestId('load-earlier').textContent).toBe('Loading earlier messages…');
    act(() => getByTestId('load-earlier').click());
    expect(load).toHaveBeenCalledTimes(1);
    await act(async () => release());
    rerender(<Transcript messages={later} streaming={false} earlier={{ load, loading: false, failed: true }} />);
    expect(queryByText('Could not load earlier messages. Try again.')).not.toBeNull();
  });

  it('shows no button when the history starts at the first message', () => {
    const { queryByTestId } = render(<Transcript messages={later} streaming={false} earlier={null} />);
    expect(queryByTestId('load-earlier')).toBeNull();
  });
});

