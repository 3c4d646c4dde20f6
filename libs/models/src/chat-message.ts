/** A provider-neutral chat message: what the runner sends to any engine. */
export interface ChatMessage {
  role: 'user' | 'assistant' | 'system';
  content: string;
}
