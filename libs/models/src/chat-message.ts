/** A tool call the model made, in provider-neutral form (`arguments` is the JSON text). */
export interface ChatToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A provider-neutral chat message: what the runner sends to any engine. */
export interface ChatMessage {
  role: 'user' | 'assistant' | 'system' | 'tool';
  content: string;
  /** Assistant messages: the tool calls it made (a stateless OpenAI-door conversation replays them). */
  toolCalls?: ChatToolCall[];
  /** Tool messages: the call this result answers, and its tool's name when known. */
  toolCallId?: string;
  toolName?: string;
}
