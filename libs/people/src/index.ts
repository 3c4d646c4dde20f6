/** People (pure code, safe for the browser): roles' and people's limits and how they are checked. */
export * from './limits/limits';
