/**
 * Unsaved memory edits, kept per memory in sessionStorage: leaving the page (another tab of the
 * dashboard, a reload) does not lose them; the card opens with the draft when it comes back.
 */
const KEY = 'switchboard.memoryDrafts';

type Drafts = Record<string, string>;

function read(storage: Pick<Storage, 'getItem'> | undefined): Drafts {
  try {
    const raw = storage?.getItem(KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return parsed && typeof parsed === 'object' ? (parsed as Drafts) : {};
  } catch {
    return {};
  }
}

function session(): Storage | undefined {
  return typeof window === 'undefined' ? undefined : window.sessionStorage;
}

/** The unsaved draft of a memory, if any. */
export function loadDraft(memoryId: string, storage: Pick<Storage, 'getItem'> | undefined = session()): string | null {
  const d = read(storage)[memoryId];
  return typeof d === 'string' ? d : null;
}

/** Keeps a draft; a draft equal to the saved text is no draft (removed). */
export function keepDraft(memoryId: string, draft: string, saved: string, storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = session()): void {
  if (!storage) return;
  const all = read(storage);
  if (draft === saved) delete all[memoryId];
  else all[memoryId] = draft;
  try {
    storage.setItem(KEY, JSON.stringify(all));
  } catch {
    // Storage full or denied: the edit still lives in the card while the page is open.
  }
}

/** Forgets a draft (saved or cancelled). */
export function dropDraft(memoryId: string, storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = session()): void {
  keepDraft(memoryId, '', '', storage);
}

/** What a key press in the edit box does: Enter saves, Shift+Enter is a newline, Escape cancels. */
export function editKeyAction(e: { key: string; shiftKey: boolean; isComposing?: boolean }): 'save' | 'cancel' | null {
  if (e.isComposing) return null;
  if (e.key === 'Enter' && !e.shiftKey) return 'save';
  if (e.key === 'Escape') return 'cancel';
  return null;
}
