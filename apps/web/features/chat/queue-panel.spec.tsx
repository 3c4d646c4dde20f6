/** @jest-environment jsdom */
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { queued } from '../../lib/testing/fixtures';
import { QueuePanel } from './queue-panel';

const labels: Record<string, string> = { main: 'Fake Main', quick: 'Fake Quick' };
const queue = [queued({ id: 'a', position: 1, text: 'first', modelConfigId: 'main', modelSource: 'global' }), queued({ id: 'b', position: 2, text: 'second', modelConfigId: 'quick', modelSource: 'explicit' })];

describe('QueuePanel', () => {
  it('renders nothing for an empty queue', () => {
    const { container } = render(<QueuePanel queue={[]} labelOf={(id) => id} running onPromote={jest.fn()} onDelete={jest.fn()} />);
    expect(container.innerHTML).toBe('');
  });

  it('lists queued messages in order with the model each was queued with', () => {
    render(<QueuePanel queue={queue} labelOf={(id) => labels[id]} running onPromote={jest.fn()} onDelete={jest.fn()} />);
    const items = screen.getAllByRole('listitem');
    expect(items.map((li) => within(li).getByTestId('queued-model').textContent)).toEqual(['Fake Main · global default', 'Fake Quick · chosen for this message']);
    expect(within(items[0]).queryByRole('button', { name: /Next/ })).toBeNull();
  });

  it('names the files a queued message carries', () => {
    const withFiles = [queued({ id: 'c', position: 1, text: 'look', modelConfigId: 'main', modelSource: 'global', attachments: [{ id: 'f1', name: 'cat.png', mediaType: 'image/png', size: 10 }, { id: 'f2', name: 'report.pdf', mediaType: 'application/pdf', size: 20 }] })];
    render(<QueuePanel queue={withFiles} labelOf={(id) => labels[id]} running onPromote={jest.fn()} onDelete={jest.fn()} />);
    expect(screen.getByTestId('queued-files').textContent).toBe('📎 cat.png, report.pdf');
    expect(screen.getAllByRole('listitem').filter((li) => within(li).queryByTestId('queued-files'))).toHaveLength(1);
  });

  it('promotes with or without interrupting, and deletes', async () => {
    const onPromote = jest.fn(async () => undefined);
    const onDelete = jest.fn(async () => undefined);
    render(<QueuePanel queue={queue} labelOf={(id) => labels[id]} running onPromote={onPromote} onDelete={onDelete} />);
    const second = screen.getAllByRole('listitem')[1];
    await act(async () => fireEvent.click(within(second).getByRole('button', { name: /Next/ })));
    await act(async () => fireEvent.click(within(second).getByRole('button', { name: /Send now/ })));
    await act(async () => fireEvent.click(within(second).getByRole('button', { name: /Delete queued message: second/ })));
    expect(onPromote.mock.calls).toEqual([
      ['b', false],
      ['b', true],
    ]);
    expect(onDelete).toHaveBeenCalledWith('b');
  });

  it('offers "Send now" only while a reply runs, and shows a failure', async () => {
    const onDelete = jest.fn(async () => Promise.reject(new Error('Queued message not found')));
    render(<QueuePanel queue={queue} labelOf={(id) => labels[id]} running={false} onPromote={jest.fn()} onDelete={onDelete} />);
    expect(screen.queryByRole('button', { name: /Send now/ })).toBeNull();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: /Delete queued message: first/ })));
    expect(screen.getByRole('alert').textContent).toBe('Queued message not found');
  });
});
