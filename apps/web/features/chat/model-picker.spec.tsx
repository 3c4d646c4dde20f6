/** @jest-environment jsdom */
import { act, fireEvent, render, screen } from '@testing-library/react';
import type { Session } from '@switchboard/protocol';
import { models } from '../../lib/testing/fixtures';
import { ModelPicker, pickerOptions } from './model-picker';

const following: Pick<Session, 'modelOverride' | 'effectiveModel'> = {
  modelOverride: null,
  effectiveModel: { modelConfigId: 'main', source: 'global', label: 'Fake Main', warnings: [] },
};
const pinned: Pick<Session, 'modelOverride' | 'effectiveModel'> = {
  modelOverride: 'quick',
  effectiveModel: { modelConfigId: 'quick', source: 'session', label: 'Fake Quick', warnings: [] },
};

/** A mousemove with movement (jsdom's MouseEvent has no movementX/Y of its own). */
function pointerMove(dx: number, dy: number): MouseEvent {
  const e = new MouseEvent('mousemove', { bubbles: true });
  Object.defineProperties(e, { movementX: { value: dx }, movementY: { value: dy } });
  return e;
}

describe('pickerOptions', () => {
  it('offers "follow the default" first, then enabled models by tier', () => {
    expect(pickerOptions(models()).map((o) => o.id)).toEqual([null, 'quick', 'main', 'claude']);
    expect(pickerOptions(undefined)).toEqual([{ id: null }]);
  });
});

describe('ModelPicker', () => {
  it('shows the effective model and why', () => {
    render(<ModelPicker session={pinned} models={models()} onChange={jest.fn()} />);
    expect(screen.getByTestId('model-label').textContent).toBe('Fake Quick');
    expect(screen.getByTestId('model-source').textContent).toBe('session override');
  });

  it('sets the override from the list (mouse)', async () => {
    const onChange = jest.fn(async () => undefined);
    render(<ModelPicker session={following} models={models()} onChange={onChange} />);
    fireEvent.click(screen.getByTestId('model-picker'));
    const selected = screen.getByRole('option', { selected: true });
    expect(selected.textContent).toContain('Follow the default');
    await act(async () => {
      fireEvent.click(screen.getByRole('option', { name: /Fake Claude/ }));
    });
    expect(onChange).toHaveBeenCalledWith('claude');
    expect(screen.queryByRole('listbox')).toBeNull();
  });

  it('clears the override with the keyboard, and Escape closes without changing anything', async () => {
    const onChange = jest.fn(async () => undefined);
    render(<ModelPicker session={pinned} models={models()} onChange={onChange} />);
    const button = screen.getByTestId('model-picker');
    fireEvent.keyDown(button, { key: 'ArrowDown' });
    const list = screen.getByRole('listbox');
    expect(document.activeElement).toBe(list);
    fireEvent.keyDown(list, { key: 'Escape' });
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(document.activeElement).toBe(button);

    fireEvent.keyDown(button, { key: 'ArrowDown' });
    fireEvent.keyDown(screen.getByRole('listbox'), { key: 'Home' });
    await act(async () => {
      fireEvent.keyDown(screen.getByRole('listbox'), { key: 'Enter' });
    });
    expect(onChange).toHaveBeenCalledWith(null);
  });

  it('keys that still land on the button while the list is open drive the list', async () => {
    const onChange = jest.fn(async () => undefined);
    render(<ModelPicker session={pinned} models={models()} onChange={onChange} />);
    const button = screen.getByTestId('model-picker');
    fireEvent.keyDown(button, { key: 'ArrowDown' });
    expect(screen.getByRole('listbox')).toBeTruthy();
    // A fast typist: Home and Enter reach the button before focus has moved to the list.
    fireEvent.keyDown(button, { key: 'Home' });
    await act(async () => {
      fireEvent.keyDown(button, { key: 'Enter' });
    });
    expect(onChange).toHaveBeenCalledWith(null);
    expect(screen.queryByRole('listbox')).toBeNull();
  });

  it('a list opening under a resting pointer keeps the keyboard highlight; a moving pointer takes it', async () => {
    const onChange = jest.fn(async () => undefined);
    render(<ModelPicker session={pinned} models={models()} onChange={onChange} />);
    fireEvent.keyDown(screen.getByTestId('model-picker'), { key: 'ArrowDown' });
    const list = screen.getByRole('listbox');
    const quick = screen.getByRole('option', { name: /Fake Quick/ });
    fireEvent.keyDown(list, { key: 'Home' });
    // The browser reports a move without movement when the list appears under the pointer.
    fireEvent(quick, pointerMove(0, 0));
    expect(screen.getAllByRole('option')[0].className).toContain('is-active');
    fireEvent(quick, pointerMove(4, 1));
    expect(quick.className).toContain('is-active');
    fireEvent.keyDown(list, { key: 'Home' });
    await act(async () => {
      fireEvent.keyDown(list, { key: 'Enter' });
    });
    expect(onChange).toHaveBeenCalledWith(null);
  });

  it('does nothing when the current choice is picked again, and shows a refusal', async () => {
    const onChange = jest.fn(async () => Promise.reject(new Error('INVALID_MODEL: gone')));
    render(<ModelPicker session={pinned} models={models()} onChange={onChange} />);
    fireEvent.click(screen.getByTestId('model-picker'));
    await act(async () => {
      fireEvent.click(screen.getByRole('option', { name: /Fake Quick/ }));
    });
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('model-picker'));
    await act(async () => {
      fireEvent.click(screen.getByRole('option', { name: /^Fake Main/ }));
    });
    expect(screen.getByRole('alert').textContent).toContain('INVALID_MODEL');
  });
});
