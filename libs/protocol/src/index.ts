/** The wire contract of Switchboard v1: schemas, error codes, the event map and the typed client. */
export * from './errors';
export * from './schemas';
export * from './events';
export * from './methods';
export * from './client';
export * from './memory';
export * from './access';
export * from './people';
export * from './transcription';
export * from './jobs';
export * from './delivery';
export * from './secrets';
export * from './model-source-labels';
export * from './openai';
export * from './route-paths';
export * from './routes';
export * from './conversations';
