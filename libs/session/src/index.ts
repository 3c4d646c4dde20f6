/** Pure code of libs/session (safe for the browser): the command parser, the conversation summary, peer globs, agent routing. */
export * from './commands/parse-command';
export * from './context/build-conversation-summary';
export { DEFAULT_SYSTEM_PROMPT } from './context/conversation-context';
export * from './peer-match';
export * from './sessions/agent-routing';
export * from './engine/turn-error-kind';
