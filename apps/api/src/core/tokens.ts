/** Nest injection tokens for values that are not classes. */
export const API_TOKEN = Symbol('API_TOKEN');
export const API_ENV = Symbol('API_ENV');
export const LOGGER = Symbol('LOGGER');
export const LOADED_CONFIG = Symbol('LOADED_CONFIG');
/** `() => Date`: what time it is (tests move it to cross a day boundary). */
export const CLOCK = Symbol('CLOCK');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
/** The TransactionRunner every store of the API writes through (one per DataSource). */
export const TRANSACTION_RUNNER = Symbol('TRANSACTION_RUNNER');
export const APP_VERSION = '0.1.0';
/** The replicas' message bus (cluster/cluster-bus.ts). */
export const CLUSTER_BUS = Symbol('CLUSTER_BUS');
