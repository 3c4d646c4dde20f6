'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { ConversationArchive, ImportResponse } from '@switchboard/protocol';
import { useApi } from '../../lib/api-context';
import { apiErrorOf } from '../../lib/api-errors';
import { queryKeys } from '../../lib/query-keys';

/** What an import did, in words. */
export function importSummary(r: ImportResponse): string {
  const parts = [`${r.imported} conversation${r.imported === 1 ? '' : 's'} imported (${r.messages} messages)`];
  if (r.skipped) parts.push(`${r.skipped} already here, skipped`);
  if (r.renamed.length) parts.push(`${r.renamed.length} renamed because their chat id was taken`);
  return parts.join('; ') + '.';
}

/** Settings: every conversation out as one JSON file, and such a file back in (another install's history). */
export function ConversationArchiveCard() {
  const api = useApi();
  const qc = useQueryClient();
  const file = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  const importFile = async (f: File) => {
    setBusy(true);
    setResult(null);
    try {
      let archive: ConversationArchive;
      try {
        archive = JSON.parse(await f.text()) as ConversationArchive;
      } catch {
        throw new Error(`${f.name} is not a JSON file.`);
      }
      const r = await api.client.importArchive(archive);
      setResult({ ok: true, text: importSummary(r) });
      void qc.invalidateQueries({ queryKey: queryKeys.sessions });
      void qc.invalidateQueries({ queryKey: queryKeys.sessionsArchived });
    } catch (err) {
      setResult({ ok: false, text: `Nothing was imported: ${err instanceof Error && !('status' in err) ? err.message : apiErrorOf(err).message}` });
    } finally {
      setBusy(false);
      if (file.current) file.current.value = '';
    }
  };

  return (
    <section className="card" aria-labelledby="archive-title" data-testid="conversation-archive">
      <h2 id="archive-title">Export and import conversations</h2>
      <p className="muted">
        One JSON file with every conversation (archived ones too): messages with their models, sources, usage and events, and each conversation&apos;s settings. Memories and
        people stay with this install. Importing the same file twice adds nothing new.
      </p>
      <div className="archive-io">
        <a className="btn" href="/api/v1/export" download data-testid="export-all">
          Export everything
        </a>
        <button type="button" className="btn" onClick={() => file.current?.click()} disabled={busy} data-testid="import-button">
          {busy ? 'Importing…' : 'Import…'}
        </button>
        <input
          ref={file}
          type="file"
          accept="application/json,.json"
          className="visually-hidden"
          aria-label="Archive file to import"
          tabIndex={-1}
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void importFile(f);
          }}
          data-testid="import-file"
        />
      </div>
      {result ? (
        <p className={`notice${result.ok ? '' : ' notice--error'} archive-io__result`} role={result.ok ? 'status' : 'alert'} data-testid="import-result">
          {result.text}
        </p>
      ) : null}
    </section>
  );
}
