import type { AttachmentMediaType } from '@switchboard/protocol';

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/**
 * The file type its first bytes say (the magic numbers of PNG, JPEG, GIF, WebP and PDF), or null
 * for anything else. What a client declares is never trusted on its own.
 */
export function sniffMediaType(bytes: Uint8Array): AttachmentMediaType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  // PDF readers accept the header within the first kilobyte (after a BOM or junk); so do we.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).toString('latin1');
  if (head.includes('%PDF-')) return 'application/pdf';
  return null;
}

/** The default file name of a type, for uploads that name none. */
export function defaultAttachmentName(mediaType: string): string {
  switch (mediaType) {
    case 'image/png':
      return 'image.png';
    case 'image/jpeg':
      return 'image.jpg';
    case 'image/gif':
      return 'image.gif';
    case 'image/webp':
      return 'image.webp';
    case 'application/pdf':
      return 'document.pdf';
    default:
      return 'file';
  }
}
