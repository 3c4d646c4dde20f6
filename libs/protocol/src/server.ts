/** Server-side helpers of the contract (safe to import from Node only). */
export * from './index';
