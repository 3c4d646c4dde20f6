/** @jest-environment jsdom */
import { render, screen } from '@testing-library/react';
import type { ProviderStatus } from '@switchboard/protocol';
import { configSourceWords, ProviderHealthLine } from './assistant-card';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const status = (over: Partial<ProviderStatus>): ProviderStatus => ({
  id: 'openai',
  type: 'openai-compatible',
  state: 'ok',
  lastSuccessAt: null,
  lastFailureAt: null,
  lastErrorCode: null,
  lastErrorStatus: null,
  lastError: null,
  consecutiveFailures: 0,
  coolingDown: [],
  models: ['main'],
  ...over,
});

describe('settings: assistant and provider health', () => {
  it('names the config file, or says there is none', () => {
    expect(configSourceWords(['file:/etc/sb.json', 'env:OPENAI_API_KEY'])).toBe('the config file /etc/sb.json (SWITCHBOARD_CONFIG)');
    expect(configSourceWords(['env:OPENAI_API_KEY'])).toBe('no config file (SWITCHBOARD_CONFIG is not set)');
  });

  it('says when a provider last answered and last failed, with code and HTTP status', () => {
    render(
      <ProviderHealthLine
        now={NOW}
        status={status({ state: 'failing', lastSuccessAt: '2026-12-07T11:57:00Z', lastFailureAt: '2026-12-07T11:59:00Z', lastErrorCode: 'PROVIDER_ERROR', lastErrorStatus: 401, lastError: 'Incorrect API key provided: [REDACTED]' })}
      />,
    );
    const line = screen.getByTestId('provider-health').textContent;
    expect(line).toContain('answered 3m ago');
    expect(line).toContain('failed 1m ago: PROVIDER_ERROR (HTTP 401) — Incorrect API key provided: [REDACTED]');
  });

  it('says when a provider had no call yet', () => {
    render(<ProviderHealthLine status={status({ state: 'unused' })} />);
    expect(screen.getByTestId('provider-health').textContent).toBe('No call since the API started.');
  });
});
