import { Worker } from 'node:worker_threads';
import type { EngineLogger } from '../engine/engine.types';
import { errorText } from '../engine/error-text';

/** How long reading one PDF may take before it is given up. */
const PDF_TIMEOUT_MS = 30_000;
/** Heap of the thread that reads a PDF: a hostile file cannot take the API's memory with it. */
const PDF_HEAP_MB = 256;

/*
 * Runs in its own thread (plain CommonJS: `eval` workers are scripts): pdf-parse, on pdf.js, reads
 * the text of every page. A thread keeps a large PDF from blocking the API's event loop, and
 * lets pdf.js load its worker module with a real import() wherever the API runs (in tests too).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PDFParse } = require(workerData.pdfParse);
(async () => {
  const parser = new PDFParse({ data: workerData.data });
  try {
    const result = await parser.getText();
    parentPort.postMessage({ text: result.text });
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.message) || err) });
  } finally {
    await parser.destroy().catch(() => undefined);
  }
})();
`;

function readInThread(data: Uint8Array): Promise<string> {
  // A copy: the thread takes ownership of what it is sent.
  const copy = new Uint8Array(data);
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { pdfParse: require.resolve('pdf-parse'), data: copy },
      transferList: [copy.buffer],
      resourceLimits: { maxOldGenerationSizeMb: PDF_HEAP_MB },
    });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`reading the PDF took longer than ${PDF_TIMEOUT_MS / 1000} s`));
    }, PDF_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      void worker.terminate();
    };
    worker.once('message', (m: { text?: string; error?: string }) => {
      done();
      if (m.error !== undefined) reject(new Error(m.error));
      else resolve(m.text ?? '');
    });
    worker.once('error', (err) => {
      done();
      reject(err);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`the PDF reader stopped (exit code ${code})`));
    });
  });
}

/**
 * The text of a PDF (pdf-parse, on pdf.js, in a thread of its own), cut to `maxChars`; null when
 * it has none or cannot be read (an image-only scan, a damaged or encrypted file, a timeout).
 */
export async function extractPdfText(data: Uint8Array, maxChars: number, log?: Pick<EngineLogger, 'warn'>): Promise<string | null> {
  let raw: string;
  try {
    raw = await readInThread(data);
  } catch (err) {
    log?.warn({ err: errorText(err) }, 'could not read the text of a PDF');
    return null;
  }
  // pdf-parse marks page ends with "-- n of m --" lines; they are noise to a model.
  const text = raw.replace(/^-- \d+ of \d+ --$/gm, '').replace(/\n{3,}/g, '\n\n').trim();
  if (!text) return null;
  return text.length > maxChars ? `${text.slice(0, maxChars)}\n[… the rest of this PDF was cut to fit]` : text;
}
