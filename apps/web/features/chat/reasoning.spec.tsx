/** @jest-environment jsdom */
import { act, render } from '@testing-library/react';
import { message } from '../../lib/testing/fixtures';
import { reasoningKey, StreamStore, StreamStoreContext } from '../../lib/stream-store';
import { MarkdownRendererProvider, type MarkdownRendererProps } from './markdown';
import { Transcript } from './transcript';

function MarkdownRenderer({ text }: MarkdownRendererProps) {
  return <div className="md">{text}</div>;
}

describe('a reasoning model\'s reply', () => {
  it('shows the reasoning collapsed, apart from the reply', async () => {
    const reply = message({
      id: 'a1',
      seq: 2,
      role: 'assistant',
      content: 'It is 42.',
      parts: [
        { type: 'reasoning', text: 'Six sevens are forty-two.' },
        { type: 'text', text: 'It is 42.' },
      ],
    });
    const { getByTestId, container } = render(
      <StreamStoreContext.Provider value={new StreamStore()}>
        <MarkdownRendererProvider renderer={{ MarkdownRenderer }}>
          <Transcript messages={[message({ id: 'u1', seq: 1, content: 'What is 6 x 7?' }), reply]} streaming={false} />
        </MarkdownRendererProvider>
      </StreamStoreContext.Provider>,
    );
    // Lets the Markdown renderer settle (it loads lazily).
    await act(async () => undefined);
    const details = getByTestId('reasoning') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')!.textContent).toBe('Reasoning');
    expect(details.textContent).toContain('Six sevens are forty-two.');
    expect(container.querySelector('.msg__body')!.textContent).toBe('It is 42.');
  });

  it('shows no reasoning section for a reply without reasoning', async () => {
    const { queryByTestId } = render(
      <StreamStoreContext.Provider value={new StreamStore()}>
        <MarkdownRendererProvider renderer={{ MarkdownRenderer }}>
          <Transcript messages={[message({ id: 'a1', seq: 1, role: 'assistant', content: 'Hello.' })]} streaming={false} />
        </MarkdownRendererProvider>
      </StreamStoreContext.Provider>,
    );
    await act(async () => undefined);
    expect(queryByTestId('reasoning')).toBeNull();
  });

  it('streams the reasoning into the collapsed section while the reply streams', async () => {
    const store = new StreamStore((flush) => flush());
    const live = message({ id: 'live', seq: 2, role: 'assistant', status: 'streaming', content: '' });
    const { queryByTestId } = render(
      <StreamStoreContext.Provider value={store}>
        <MarkdownRendererProvider renderer={{ MarkdownRenderer }}>
          <Transcript messages={[message({ id: 'u1', seq: 1, content: 'What is 6 x 7?' }), live]} streaming />
        </MarkdownRendererProvider>
      </StreamStoreContext.Provider>,
    );
    await act(async () => undefined);
    expect(queryByTestId('reasoning')).toBeNull();
    act(() => {
      store.append(reasoningKey('live'), 'Six sevens ');
      store.append(reasoningKey('live'), 'are forty-two.');
    });
    const details = queryByTestId('reasoning') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')!.textContent).toBe('Reasoning…');
    expect(details.textContent).toContain('Six sevens are forty-two.');
    // The reply's own text stream is untouched.
    expect(store.get('live')).toBe('');
  });
});
