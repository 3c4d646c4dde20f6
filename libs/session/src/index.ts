/** Pure code of libs/session (safe for the browser, the dashboard bundles it): the command parser, the conversation summary, peer globs, agent routing, failed-turn kinds. */
export * from './commands/parse-command';
export * from './context/build-conversation-summary';
export * from './peer-match';
export * from './sessions/agent-routing';
export * from './engine/turn-error-kind';
