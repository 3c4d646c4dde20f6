import type { Api } from 'grammy';
import type { TelegramConfig } from '../config';

/** The largest file the Bot API lets a bot download (`getFile`); a self-hosted Bot API server has no such limit, but we keep to it. */
export const TELEGRAM_DOWNLOAD_BYTES = 20 * 1024 * 1024;

/** Downloads a file the bot received (Bot API `getFile`, then the file URL). */
export async function downloadTelegramFile(api: Api, config: Pick<TelegramConfig, 'apiRoot' | 'botToken'>, fileId: string): Promise<Uint8Array> {
  const file = await api.getFile(fileId);
  if (!file.file_path) throw new Error('Telegram returned no file path');
  const res = await fetch(`${config.apiRoot}/file/bot${config.botToken}/${file.file_path}`, { signal: AbortSignal.timeout(60_000) });
  if (!res.ok) throw new Error(`file download failed (HTTP ${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}
