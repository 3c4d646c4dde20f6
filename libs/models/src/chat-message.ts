/** A tool call the model made, in provider-neutral form (`arguments` is the JSON text). */
export interface ChatToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A file a user message carries (an image or a PDF), with its bytes. */
export interface ChatFile {
  mediaType: string;
  data: Uint8Array;
  name: string;
  /**
   * A PDF's text, for models that cannot read PDF files (already cut to what fits); absent for
   * images, and for a PDF whose text was not needed or could not be read.
   */
  text?: string;
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
  /** User messages: their files, before the text (images as image parts, PDFs as file parts or text). */
  files?: ChatFile[];
}
