/** Memory, pure part (browser-safe): the quality gate, secret detection, the extraction prompt and parser, similarity, ranking. */
export * from './memory.types';
export * from './text/normalise-text';
export * from './text/similarity';
export * from './text/slots';
export * from './secrets/detect-secrets';
export * from './gate/quality-gate';
export * from './extraction/extraction-prompt';
export * from './extraction/parse-extraction';
export * from './retrieval/rank-memories';
