/** Ordered rule list with per-rule use counters (`times`). */
import type { FakeLlmRequest, FakeLlmRule } from './fake-llm.types';
import { lastUserText } from './request.parser';

interface Entry {
  rule: FakeLlmRule;
  used: number;
}

function matches(pattern: string | RegExp | undefined, value: string, exact: boolean): boolean {
  if (pattern === undefined) return true;
  if (typeof pattern === 'string') return exact ? value === pattern : value.includes(pattern);
  // A /g or /y RegExp keeps lastIndex between calls; reset it so matching stays stateless.
  pattern.lastIndex = 0;
  return pattern.test(value);
}

export class RuleMatcher {
  private entries: Entry[] = [];

  add(rule: FakeLlmRule): void {
    this.entries.push({ rule, used: 0 });
  }

  prepend(rule: FakeLlmRule): void {
    this.entries.unshift({ rule, used: 0 });
  }

  clear(): void {
    this.entries = [];
  }

  /** First applicable rule for the request; consumes one of its `times`. */
  take(req: FakeLlmRequest): FakeLlmRule | undefined {
    const text = lastUserText(req.messages);
    const endpoint = req.path === '/v1/embeddings' ? 'embeddings' : 'chat';
    for (const entry of this.entries) {
      const { rule } = entry;
      if (rule.times !== undefined && entry.used >= rule.times) continue;
      if ((rule.endpoint ?? 'chat') !== endpoint) continue;
      if (!matches(rule.model, req.model, true) || !matches(rule.match, text, false)) continue;
      entry.used++;
      return rule;
    }
    return undefined;
  }
}
