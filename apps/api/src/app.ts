import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { ErrorCode, LIMITS, SwitchboardError, secretScrubber } from '@switchboard/protocol';
import { configSecrets, loadConfig, type LoadedConfig } from '@switchboard/models';
import { loadConfigFile } from '@switchboard/models/server';
import { SessionEngine } from '@switchboard/session/server';
import { AppModule } from './app.module';
import { loadApiEnv, type ApiEnv } from './config/api-env';
import { ensureApiToken, type ApiTokenInfo } from './config/api-token';
import { createLogger, PinoNestLogger } from './core/logger';
import { answerClientError, sendError, toSwitchboardError } from './core/api-exception.filter';
import { AuthFailureLimiter } from './core/auth-failure-limiter';
import { installRequestGate } from './core/request-gate';
import { secureDataDir } from './database/data-dir';
import { installAudioParser } from './transcriptions/audio-body.parser';
import { installAttachmentParser } from './attachments/attachment-body.parser';

export interface StartApiOptions {
  /** Environment to read (defaults to process.env). */
  env?: Record<string, string | undefined>;
  /** Logger to use (defaults to pino on stdout at LOG_LEVEL). */
  logger?: Logger;
  /** Where the default logger writes (defaults to stdout); its lines are scrubbed like every log line. */
  logDestination?: DestinationStream;
  /** What time it is, for daily budgets (tests move it across a day boundary). */
  clock?: () => Date;
}

export interface RunningApi {
  app: NestFastifyApplication;
  url: string;
  port: number;
  token: string;
  tokenInfo: ApiTokenInfo;
  env: ApiEnv;
  config: LoadedConfig;
  engine: SessionEngine;
  logger: Logger;
  close(): Promise<void>;
}

/** JSON bodies only (no text/plain or form parsers); an empty body counts as no body, and bad JSON is a coded 400. */
function installJsonParser(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: LIMITS.maxBodyBytes }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new SwitchboardError(ErrorCode.INVALID_JSON, 'The request body is not valid JSON.'), undefined);
    }
  });
}

/** Builds and starts the API: validated env and config, token, database, engine, HTTP + WebSocket. */
export async function startApi(options: StartApiOptions = {}): Promise<RunningApi> {
  const rawEnv = options.env ?? process.env;
  const env = loadApiEnv(rawEnv);
  const config = env.configPath ? loadConfigFile({ env: rawEnv, path: env.configPath }) : loadConfig({ env: rawEnv });
  const fixedModes = secureDataDir(env.dataDir, { sqlite: !env.database.url });
  const tokenInfo = ensureApiToken(env.dataDir, env.apiToken);
  // Logs never carry the token or a configured key, whatever line they end up in.
  const scrub = secretScrubber([tokenInfo.token, ...configSecrets(config)]);
  const logger = options.logger ?? createLogger(env.logLevel, options.logDestination, scrub);
  if (fixedModes.length) logger.warn({ files: fixedModes }, 'data files were readable by other users: made private (0600, directory 0700)');

  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ env, token: tokenInfo.token, config, logger, ...(options.clock ? { clock: options.clock } : {}) }),
    new FastifyAdapter({
      bodyLimit: LIMITS.maxBodyBytes,
      logger: false,
      trustProxy: false,
      // The router's own 4xx (bad percent-encoding, an over-long path segment) in the documented shape.
      frameworkErrors: (error: Error, req: FastifyRequest, reply: FastifyReply) => sendError(reply, req.url, toSwitchboardError(error)),
      clientErrorHandler: answerClientError,
    }),
    // Only JSON bodies: no urlencoded/multipart parsers (they would let a form post a message).
    { logger: new PinoNestLogger(logger), abortOnError: false, bodyParser: false },
  );
  await installRequestGate(app, { token: tokenInfo.token, failures: app.get(AuthFailureLimiter), requestsPerMinute: env.limits.requestsPerMinute });
  installJsonParser(app);
  installAudioParser(app);
  installAttachmentParser(app, config.attachments.maxFileBytes);
  // Frames are parsed by the gateway itself (`{id, method, params}`), not by Nest's event router.
  app.useWebSocketAdapter(new WsAdapter(app, { messageParser: () => undefined }));
  await app.listen(env.port, env.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : env.port;
  const host = env.host.includes(':') ? `[${env.host}]` : env.host;
  const url = `http://${host}:${port}`;

  logger.info(
    { url, dataDir: env.dataDir, database: env.database.url ? databaseWhere(env.database.url) : 'sqlite', replica: env.replica.id, models: config.sources, offlineOnly: config.offlineOnly },
    `Switchboard API listening on ${url}`,
  );
  if (tokenInfo.source === 'env') logger.info('API token: from SWITCHBOARD_API_TOKEN');
  else logger.info({ file: tokenInfo.file }, `API token: ${tokenInfo.source === 'generated' ? 'generated and saved' : 'read'} in ${tokenInfo.file}`);
  if (config.offlineOnly) {
    logger.warn('No model provider configured: using the offline demo model. Set OPENAI_API_KEY, ANTHROPIC_API_KEY, OLLAMA_BASE_URL or SWITCHBOARD_CONFIG.');
  }

  return {
    app,
    url,
    port,
    token: tokenInfo.token,
    tokenInfo,
    env,
    config,
    engine: app.get(SessionEngine),
    logger,
    close: () => app.close(),
  };
}

/** Where the database is, for the start-up line: host, port and name (no user or password: the log scrubber would hide the whole URL anyway). */
function databaseWhere(url: string): string {
  const u = new URL(url);
  return `postgres ${u.host}${u.pathname}`;
}
