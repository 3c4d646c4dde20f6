/** Fake OpenAI- and Anthropic-compatible LLM server for tests and benchmarks. */
export { startFakeLlm } from './fake-llm.server';
export type {
  FakeLlmFile,
  FakeLlmLatency,
  FakeLlmMessage,
  FakeLlmOptions,
  FakeLlmRequest,
  FakeLlmRule,
  FakeLlmServer,
} from './fake-llm.types';
