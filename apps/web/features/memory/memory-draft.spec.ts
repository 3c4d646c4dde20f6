import { dropDraft, editKeyAction, keepDraft, loadDraft } from './memory-draft';

function memoryStorage() {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
}

describe('memory drafts', () => {
  it('keeps a changed draft per memory, forgets it when it equals the saved text or is dropped', () => {
    const s = memoryStorage();
    expect(loadDraft('m1', s)).toBeNull();
    keepDraft('m1', 'edited text', 'saved text', s);
    keepDraft('m2', 'other', 'saved', s);
    expect(loadDraft('m1', s)).toBe('edited text');
    keepDraft('m1', 'saved text', 'saved text', s);
    expect(loadDraft('m1', s)).toBeNull();
    dropDraft('m2', s);
    expect(loadDraft('m2', s)).toBeNull();
  });

  it('reads a broken store as empty', () => {
    expect(loadDraft('m1', { getItem: () => '{not json' })).toBeNull();
    expect(loadDraft('m1', undefined)).toBeNull();
  });

  it('Enter saves, Shift+Enter is a newline, Escape cancels, composing text is left alone', () => {
    expect(editKeyAction({ key: 'Enter', shiftKey: false })).toBe('save');
    expect(editKeyAction({ key: 'Enter', shiftKey: true })).toBeNull();
    expect(editKeyAction({ key: 'Escape', shiftKey: false })).toBe('cancel');
    expect(editKeyAction({ key: 'Enter', shiftKey: false, isComposing: true })).toBeNull();
    expect(editKeyAction({ key: 'a', shiftKey: false })).toBeNull();
  });
});
