/** Where and why a JSON text is invalid. */
export interface JsonErrorLocation {
  offset: number;
  line: number;
  column: number;
  reason: string;
}

class JsonSyntax extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * The first syntax error of a JSON text, or undefined when it is valid. JSON.parse messages
 * differ between Node versions (some have no position); a config error must say where.
 */
export function locateJsonError(text: string): JsonErrorLocation | undefined {
  let i = 0;
  const fail = (reason: string): never => {
    throw new JsonSyntax(i, i >= text.length ? 'unexpected end of file' : reason);
  };
  const describe = (): string => (i >= text.length ? 'end of file' : JSON.stringify(text[i]));
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expect = (char: string, what: string): void => {
    if (text[i] !== char) fail(`expected ${what} but found ${describe()}`);
    i++;
  };
  const string = (): void => {
    i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape');
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('invalid escape in string');
        i += 2;
        continue;
      }
      if (c.charCodeAt(0) < 0x20) fail('control character (e.g. a raw newline) in string');
      i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a property name in double quotes but found ${describe()}`);
        string();
        ws();
        expect(':', '":"');
        value();
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === '}') fail('trailing comma before "}"');
          continue;
        }
        expect('}', '"," or "}"');
        return;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === ']') fail('trailing comma before "]"');
          continue;
        }
        expect(']', '"," or "]"');
        return;
      }
    }
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (c !== undefined && /[-\d]/.test(c) && NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    fail(`unexpected ${describe()}`);
  };

  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${describe()} after the end of the JSON value`);
    return undefined;
  } catch (error) {
    if (!(error instanceof JsonSyntax)) throw error;
    const before = text.slice(0, error.offset);
    const line = before.split('\n').length;
    const column = error.offset - before.lastIndexOf('\n');
    return { offset: error.offset, line, column, reason: error.reason };
  }
}
