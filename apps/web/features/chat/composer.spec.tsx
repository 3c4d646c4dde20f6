/** @jest-environment jsdom */
import { act, fireEvent, render, screen } from '@testing-library/react';
import { COMMANDS } from '@switchboard/session';
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

  it('the slash menu lists every command with its description and filters as you type', () => {
    const { box } = setup();
    fireEvent.change(box, { target: { value: '/' } });
    const menu = screen.getByRole('listbox', { name: 'Commands' });
    expect(screen.getAllByRole('option')).toHaveLength(COMMANDS.length);
    expect(menu.textContent).toContain("Show or switch this chat's model");
    fireEvent.change(box, { target: { value: '/us' } });
    expect(screen.getAllByRole('option').map((o) => o.id)).toEqual(['slash-usage', 'slash-status']);
    fireEvent.change(box, { target: { value: 'hello /model' } });
    expect(screen.queryByRole('listbox', { name: 'Commands' })).toBeNull();
  });

  it('works with arrow keys, Tab, Enter, Esc and the mouse', async () => {
    const { box, onSend } = setup();
    fireEvent.change(box, { target: { value: '/s' } });
    expect(box.getAttribute('aria-activedescendant')).toBe('slash-start');
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    expect(box.getAttribute('aria-activedescendant')).toBe('slash-stop');
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    expect(box.getAttribute('aria-activedescendant')).toBe(`slash-${screen.getAllByRole('option').at(-1)!.id.slice(6)}`);
    fireEvent.change(box, { target: { value: '/mod' } });
    fireEvent.keyDown(box, { key: 'Tab' });
    expect(box.value).toBe('/model ');
    fireEvent.change(box, { target: { value: '/usa' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box.value).toBe('/usage');
    expect(onSend).not.toHaveBeenCalled();
    // Typed in full: Enter sends it.
    await act(async () => {
      fireEvent.keyDown(box, { key: 'Enter' });
    });
    expect(onSend).toHaveBeenCalledWith('/usage');
    fireEvent.change(box, { target: { value: '/he' } });
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(screen.queryByRole('listbox')).toBeNull();
    fireEvent.change(box, { target: { value: '/c' } });
    fireEvent.click(screen.getByText('/compact'));
    expect(box.value).toBe('/compact');
  });
});
