/** Models: config schema, catalog, the resolution chain, prices and token estimates. Pure and browser-safe. */
export * from './chat-message';
export * from './config-error';
export * from './config.schema';
export * from './env-shortcuts';
export * from './load-config';
export * from './model-catalog';
export * from './resolve-model';
export * from './cost';
export * from './tokens';
export * from './provider-call-error';
export * from './tool-spec';
export * from './run-events';
