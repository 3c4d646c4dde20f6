/** @jest-environment jsdom */
import { act, fireEvent, render, screen } from '@testing-library/react';
import type { MessageAttachment } from '@switchboard/protocol';
import { ApiProvider } from '../../lib/api-context';
import type { DashboardApi } from '../../lib/dashboard-api';
import { attachmentRefusalOf, MessageFiles, uploadType, type AttachmentDraft, type DraftFile } from './attachments';
import { Composer } from './composer';

function draftOf(files: Array<Partial<DraftFile>>, over: Partial<AttachmentDraft> = {}): AttachmentDraft {
  const list = files.map((f, i) => ({ key: `k${i}`, name: `f${i}.png`, mediaType: 'image/png', size: 2048, preview: null, state: 'ready' as const, ...f }));
  return {
    files: list,
    add: jest.fn(),
    remove: jest.fn(),
    sent: jest.fn(),
    readyIds: () => list.filter((f) => f.state === 'ready').map((f) => f.id ?? f.key),
    uploading: list.some((f) => f.state === 'uploading'),
    failed: list.some((f) => f.state === 'failed'),
    ...over,
  };
}

function setup(draft: AttachmentDraft) {
  const onSend = jest.fn(async () => undefined);
  render(<Composer onSend={onSend} onStop={() => undefined} running={false} draft={draft} />);
  return { onSend, box: screen.getByLabelText('Message') as HTMLTextAreaElement, sendButton: screen.getByRole('button', { name: 'Send message' }) };
}

describe('Composer with files', () => {
  it('sends files without text once they are uploaded', async () => {
    const { onSend, box, sendButton } = setup(draftOf([{ state: 'ready', id: 'a1' }]));
    expect((sendButton as HTMLButtonElement).disabled).toBe(false);
    screen.getByText('2 KB');
    await act(async () => {
      fireEvent.keyDown(box, { key: 'Enter' });
    });
    expect(onSend).toHaveBeenCalledWith('');
  });

  it('waits while a file uploads, and while a refused file is still there (its reason on its chip)', async () => {
    const uploading = setup(draftOf([{ state: 'uploading' }]));
    fireEvent.change(uploading.box, { target: { value: 'hi' } });
    expect((uploading.sendButton as HTMLButtonElement).disabled).toBe(true);
    expect(uploading.sendButton.getAttribute('title')).toBe('Wait for the files to upload');
    screen.getByText('Uploading…');
    await act(async () => {
      fireEvent.keyDown(uploading.box, { key: 'Enter' });
    });
    expect(uploading.onSend).not.toHaveBeenCalled();
  });

  it('shows a refusal on the chip and removes a file with its button', () => {
    const draft = draftOf([{ state: 'failed', name: 'huge.png', error: 'A file may be at most 10 MiB (this one is 12 MiB).' }]);
    const { sendButton } = setup(draft);
    expect(screen.getByRole('alert').textContent).toContain('A file may be at most 10 MiB');
    expect((sendButton as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Remove huge.png' }));
    expect(draft.remove).toHaveBeenCalledWith('k0');
  });

  it('takes files from the picker and pasted files; pasted text stays text', () => {
    const draft = draftOf([]);
    const { box } = setup(draft);
    const png = new File([new Uint8Array([137, 80, 78, 71])], 'shot.png', { type: 'image/png' });
    fireEvent.change(screen.getByTestId('attach-input'), { target: { files: [png] } });
    expect(draft.add).toHaveBeenLastCalledWith([png]);
    fireEvent.paste(box, { clipboardData: { files: [png], getData: () => '' } });
    expect(draft.add).toHaveBeenCalledTimes(2);
    fireEvent.paste(box, { clipboardData: { files: [], getData: () => 'text' } });
    expect(draft.add).toHaveBeenCalledTimes(2);
  });
});

describe('attachments helpers', () => {
  it('declares the types the API reads as they are and anything else as bytes to sniff', () => {
    expect(uploadType({ type: 'image/webp' })).toBe('image/webp');
    expect(uploadType({ type: 'application/pdf' })).toBe('application/pdf');
    expect(uploadType({ type: 'text/plain' })).toBe('application/octet-stream');
    expect(uploadType({ type: '' })).toBe('application/octet-stream');
  });

  it('reads a text-only model refusal and its suggestions; other errors are not one', () => {
    const err = { status: 422, code: 'ATTACHMENT_NOT_SUPPORTED', message: 'Fake Quick cannot read images', details: { suggestions: [{ id: 'main', label: 'Fake Main' }, { bad: 1 }] } };
    expect(attachmentRefusalOf(err)).toEqual({ message: 'Fake Quick cannot read images', suggestions: [{ id: 'main', label: 'Fake Main' }] });
    expect(attachmentRefusalOf({ status: 413, code: 'ATTACHMENT_TOO_LARGE', message: 'x' })).toBeNull();
  });

  it('shows images as thumbnails opening the full image, and PDFs as a chip with name and size', () => {
    const api = { client: { attachmentContentUrl: (s: string, a: string) => `/api/v1/sessions/${s}/attachments/${a}/content` } } as unknown as DashboardApi;
    const files: MessageAttachment[] = [
      { id: 'i1', name: 'cat.png', mediaType: 'image/png', size: 5000 },
      { id: 'p1', name: 'report.pdf', mediaType: 'application/pdf', size: 3 * 1024 * 1024 },
    ];
    render(
      <ApiProvider value={api}>
        <MessageFiles sessionId="s1" files={files} />
      </ApiProvider>,
    );
    const img = screen.getByRole('img', { name: 'cat.png' });
    expect(img.getAttribute('src')).toBe('/api/v1/sessions/s1/attachments/i1/content');
    expect(img.closest('a')!.getAttribute('target')).toBe('_blank');
    const pdf = screen.getByRole('link', { name: /report\.pdf/ });
    expect(pdf.textContent).toContain('report.pdfPDF · 3 MB');
    expect(pdf.getAttribute('download')).toBe('report.pdf');
  });
});
