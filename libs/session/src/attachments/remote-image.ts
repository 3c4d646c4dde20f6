import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { BlockedAddressError, type HostResolver } from '../tools/network-guard';
import { fetchGuarded, WebFetchError } from '../tools/web-fetch';
import type { AttachmentPolicy } from './attachment-policy';

/** A remote image, fetched and checked like an upload. */
export interface RemoteImage {
  data: Buffer;
  mediaType: string;
  /** The file name from the URL's path, if it has one. */
  name: string | null;
}

/**
 * Fetches an `http(s)` image URL for a message when `attachments.remoteImages.enabled`, with
 * web_fetch's protections (addresses checked and pinned per hop, redirects checked, private and
 * metadata addresses refused unless allowed) and the upload rules (size, sniffed type).
 */
export async function fetchRemoteImage(rawUrl: string, policy: AttachmentPolicy, resolve?: HostResolver): Promise<RemoteImage> {
  const remote = policy.config.remoteImages;
  if (!remote.enabled) {
    throw new SwitchboardError(
      ErrorCode.ATTACHMENT_FETCH_FAILED,
      'Remote image URLs are not fetched by this server: send the image as a data URL (or upload it), or enable attachments.remoteImages.',
      { reason: 'disabled' },
    );
  }
  let fetched: Awaited<ReturnType<typeof fetchGuarded>>;
  try {
    fetched = await fetchGuarded(rawUrl, {
      allowPrivateNetworks: remote.allowPrivateNetworks,
      allowNetworks: remote.allowNetworks,
      // One byte more than allowed tells a file over the limit from one exactly at it.
      maxBytes: policy.config.maxFileBytes + 1,
      timeoutMs: remote.timeoutMs,
      accept: 'image/*',
      ...(resolve ? { resolve } : {}),
    });
  } catch (err) {
    if (err instanceof BlockedAddressError) {
      throw new SwitchboardError(
        ErrorCode.ATTACHMENT_FETCH_FAILED,
        `The image URL was not fetched: ${err.host} is a ${err.kind} address, and images are fetched from public addresses only.`,
        { reason: 'blocked_address', kind: err.kind },
      );
    }
    if (err instanceof WebFetchError) {
      throw new SwitchboardError(ErrorCode.ATTACHMENT_FETCH_FAILED, `The image URL could not be fetched: ${err.message}`, { reason: err.code.toLowerCase() });
    }
    throw err;
  }
  const { url, response } = fetched;
  if (response.status < 200 || response.status >= 300) {
    throw new SwitchboardError(ErrorCode.ATTACHMENT_FETCH_FAILED, `The image URL answered HTTP ${response.status}.`, { reason: 'status', status: response.status });
  }
  if (response.truncated) policy.checkFileSize(policy.config.maxFileBytes + 1);
  const mediaType = policy.checkFile(response.body, null);
  if (!mediaType.startsWith('image/')) {
    throw new SwitchboardError(ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED, `The URL is ${mediaType}, not an image.`, { detected: mediaType });
  }
  return { data: response.body, mediaType, name: fileNameOf(url) };
}

function fileNameOf(url: URL): string | null {
  const last = url.pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(last).trim() || null;
  } catch {
    return last || null;
  }
}
