import { jpegHeader, makePdf, makePng } from '@switchboard/tools/testing';
import { ATTACHMENT_DEFAULTS, ATTACHMENT_MEDIA_TYPES } from '@switchboard/protocol';
import { ModelCatalog, attachmentsConfigSchema } from '@switchboard/models';
import { AttachmentPolicy, cleanAttachmentName } from './attachment-policy';
import { sniffMediaType } from './sniff-media-type';

const gif = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
const webp = Buffer.concat([Buffer.from('RIFF', 'latin1'), Buffer.alloc(4), Buffer.from('WEBPVP8 ', 'latin1')]);

describe('sniffMediaType', () => {
  it('knows each accepted type by its magic bytes, and nothing else', () => {
    expect([makePng(), jpegHeader(), gif, webp, makePdf('x')].map(sniffMediaType)).toEqual([...ATTACHMENT_MEDIA_TYPES]);
    expect(sniffMediaType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffMediaType(Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1'))).toBeNull();
    expect(sniffMediaType(Buffer.alloc(0))).toBeNull();
    // A PDF header after a little junk still counts (readers accept it within the first kilobyte).
    expect(sniffMediaType(Buffer.concat([Buffer.from('\ufeff'), makePdf('x')]))).toBe('application/pdf');
  });
});

describe('AttachmentPolicy', () => {
  const catalog = new ModelCatalog({
    providers: { p: { type: 'openai-compatible', baseUrl: 'http://x' } },
    models: [
      { id: 'seer', provider: 'p', model: 'm', label: 'Seer', tier: 'default', aliases: [], enabled: true, contextWindow: 1000, fallbacks: [], input: ['text', 'image'] },
      { id: 'blind', provider: 'p', model: 'n', label: 'Blind', tier: 'fast', aliases: [], enabled: true, contextWindow: 1000, fallbacks: [], input: ['text'] },
    ],
  });
  const policy = (extra: Record<string, unknown> = {}) => new AttachmentPolicy(attachmentsConfigSchema.parse(extra), catalog);

  it('takes the type from the bytes and refuses a mismatch, an unknown file and a disallowed type with codes', () => {
    expect(policy().checkFile(makePng(), 'image/png')).toBe('image/png');
    expect(policy().checkFile(makePng(), 'application/octet-stream')).toBe('image/png');
    expect(policy().checkFile(jpegHeader(), 'image/jpg')).toBe('image/jpeg');
    expect(() => policy().checkFile(makePng(), 'application/pdf')).toThrow(expect.objectContaining({ code: 'ATTACHMENT_TYPE_NOT_ALLOWED' }));
    expect(() => policy().checkFile(Buffer.from('hello'), null)).toThrow(expect.objectContaining({ code: 'ATTACHMENT_TYPE_NOT_ALLOWED' }));
    expect(() => policy({ types: ['image/png'] }).checkFile(makePdf('x'), 'application/pdf')).toThrow(/application\/pdf files are not accepted here/);
    expect(() => policy({ types: [] }).checkFile(makePng(), 'image/png')).toThrow(/turned off/);
    expect(() => policy({ maxFileBytes: 1024 }).checkFile(Buffer.concat([makePng(), Buffer.alloc(2000)]), 'image/png')).toThrow(
      expect.objectContaining({ code: 'ATTACHMENT_TOO_LARGE', details: expect.objectContaining({ limit: 'file', maxBytes: 1024 }) }),
    );
  });

  it('says sizes in bytes when rounding would make the limit and the file look the same', () => {
    const kib256 = 256 * 1024;
    expect(() => policy({ maxFileBytes: kib256 }).checkFileSize(kib256 + 95)).toThrow('A file may be at most 262,144 bytes (this one is 262,239 bytes).');
    expect(() => policy({ maxFileBytes: kib256 }).checkFileSize(kib256 * 2)).toThrow('A file may be at most 256 KiB (this one is 512 KiB).');
    expect(() => policy({ maxFileBytes: 1024, maxMessageBytes: 2048 }).checkMessage([{ size: 1024 }, { size: 1025 }])).toThrow(
      'The files of one message may be at most 2,048 bytes together (these are 2,049 bytes).',
    );
  });

  it('checks a message: count, total size; and images only for a model that can see, suggesting one that can', () => {
    expect(() => policy().checkMessage(Array.from({ length: ATTACHMENT_DEFAULTS.maxFiles + 1 }, () => ({ size: 1 })))).toThrow(
      expect.objectContaining({ code: 'TOO_MANY_ATTACHMENTS' }),
    );
    expect(() => policy({ maxFileBytes: 1024, maxMessageBytes: 2048 }).checkMessage([{ size: 1024 }, { size: 1025 }])).toThrow(
      expect.objectContaining({ code: 'ATTACHMENT_TOO_LARGE', details: expect.objectContaining({ limit: 'message' }) }),
    );
    expect(() => policy().requireReadable('seer', [{ mediaType: 'image/png' }])).not.toThrow();
    expect(() => policy().requireReadable('blind', [{ mediaType: 'application/pdf' }])).not.toThrow();
    expect(() => policy().requireReadable('blind', [{ mediaType: 'image/png' }])).toThrow(
      expect.objectContaining({
        code: 'ATTACHMENT_NOT_SUPPORTED',
        message: expect.stringMatching(/^Blind cannot read images, so this message was not sent\. Models that can: Seer \(seer\)/),
        details: expect.objectContaining({ suggestions: [{ id: 'seer', label: 'Seer' }] }),
      }),
    );
  });

  it('refuses a config whose per-message limit is below the per-file one', () => {
    expect(attachmentsConfigSchema.safeParse({ maxFileBytes: 4096, maxMessageBytes: 2048 }).success).toBe(false);
  });
});

describe('cleanAttachmentName', () => {
  it('keeps the base name without control characters, cut with its extension, or the fallback', () => {
    expect(cleanAttachmentName('C:\\Users\\me\\photo.png', 'x')).toBe('photo.png');
    expect(cleanAttachmentName('../../etc/passwd', 'x')).toBe('passwd');
    expect(cleanAttachmentName('a\u0000b\nc.pdf', 'x')).toBe('abc.pdf');
    expect(cleanAttachmentName('   ', 'image.png')).toBe('image.png');
    expect(cleanAttachmentName(`${'n'.repeat(300)}.jpeg`, 'x', 20)).toBe(`${'n'.repeat(15)}.jpeg`);
  });
});
