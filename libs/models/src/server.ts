/** Models, server side: everything from the pure entry plus the config file reader, AI SDK providers, the offline model and the runner. */
export * from './index';
export * from './load-config-file';
export * from './providers/offline-model';
export * from './providers/provider-registry';
export * from './providers/classify-provider-error';
export * from './model-runner';
export * from './token-counter';
export * from './transcribe';
export * from './failover-runner';
export * from './provider-status';
export * from './embeddings/embedding-client';
