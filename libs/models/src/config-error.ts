/** The config file or environment is invalid; `issues` lists every problem, each naming its field path. */
export class ConfigError extends Error {
  constructor(
    readonly issues: string[],
    readonly source?: string,
  ) {
    super(`Invalid Switchboard configuration${source ? ` (${source})` : ''}:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
