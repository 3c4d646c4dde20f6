/** @jest-environment jsdom */
import { act, fireEvent, render, screen } from '@testing-library/react';
import { Composer } from './composer';

function setup(props: Partial<Parameters<typeof Composer>[0]> = {}) {
  const onSend = jest.fn(async () => undefined);
  const onStop = jest.fn();
  render(<Composer onSend={props.onSend ?? onSend} onStop={onStop} running={props.running ?? false} />);
  const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
  return { box, onSend, onStop };
}

describe('Composer', () => {
  it('sends with Enter and clears the box', async () => {
    const { box, onSend } = setup();
    fireEvent.change(box, { target: { value: 'hello there' } });
    await act(async () => {
      fireEvent.keyDown(box, { key: 'Enter' });
    });
    expect(onSend).toHaveBeenCalledWith('hello there');
    expect(box.value).toBe('');
  });

  it('does not send on Shift+Enter (a new line), while composing, or when blank', async () => {
    const { box, onSend } = setup();
    fireEvent.change(box, { target: { value: 'line one' } });
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    fireEvent.keyDown(box, { key: 'Enter', isComposing: true });
    fireEvent.change(box, { target: { value: '   ' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).not.toHaveBeenCalled();
  });

  it('puts the text back when sending fails', async () => {
    const { box } = setup({ onSend: async () => Promise.reject(new Error('QUEUE_FULL')) });
    fireEvent.change(box, { target: { value: 'keep me' } });
    await act(async () => {
      fireEvent.keyDown(box, { key: 'Enter' });
    });
    expect(box.value).toBe('keep me');
  });

  it('shows Stop while a reply streams, and sending still works (it queues)', async () => {
    const { box, onStop, onSend } = setup({ running: true });
    fireEvent.click(screen.getByRole('button', { name: 'Stop the reply' }));
    expect(onStop).toHaveBeenCalled();
    fireEvent.change(box, { target: { value: 'next' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Queue message' }));
    });
    expect(onSend).toHaveBeenCalledWith('next');
  });

  it('hints at commands when the text starts with a slash', () => {
    const { box } = setup();
    fireEvent.change(box, { target: { value: '/mo' } });
    expect(screen.getByRole('list', { name: 'Commands' }).textContent).toContain('/model');
    fireEvent.change(box, { target: { value: 'hello /model' } });
    expect(screen.queryByRole('list', { name: 'Commands' })).toBeNull();
  });
});
