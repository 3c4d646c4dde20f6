/**
 * What the dashboard bundles from libs/session: only modules with no server imports (the shared
 * command list and parser, failed-turn kinds and their words). The web app maps
 * `@switchboard/session` here, so nothing server-side can reach a browser bundle through it.
 */
export * from './commands/parse-command';
export * from './engine/turn-error-kind';
