import { createStandin } from './app.js';
import { loadStaticConfig } from './config.js';
import { runDoctor } from './doctor.js';
import { wipeAfterOpen, wipeBeforeStart } from './ephemeral.js';
import { faultsFromEnv, UnknownFaultError } from './faults.js';
import { VERSION } from './services/system.js';

async function serve(): Promise<void> {
  // STANDIN_FAULTS is read once, before anything else: an unknown name stops the start.
  const switches = faultsFromEnv();
  // Start-up faults (ephemeral-*) drop state before anything reads it, like a missing volume.
  const wiped = wipeBeforeStart(process.cwd(), switches);
  const cfg = loadStaticConfig(process.cwd(), switches);
  const faults = cfg.faults.active;
  console.log(`[standin] active faults: ${faults.length ? faults.join(', ') : 'none'}`);
  if (wiped.length) console.log(`[standin] not persisted across the restart: ${wiped.join(', ')}`);
  const { app, ctx, close } = await createStandin({ config: cfg });
  const wipedDirs = wipeAfterOpen(ctx);
  if (wipedDirs.length) console.log(`[standin] extra policy directories not persisted: ${wipedDirs.join(', ')}`);
  const server = app.listen(cfg.port, cfg.host, () => {
    console.log(`[standin] AsterDrive ${VERSION} stand-in listening on http://${cfg.host}:${cfg.port} (data: ${cfg.dataDir})`);
  });
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  const stop = async () => {
    server.close();
    await close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

// `npm run standin` runs scripts from the package root; like the real binary, the stand-in keeps
// data/ in the directory the operator started it from.
if (process.env.npm_lifecycle_event === 'standin' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

const cmd = process.argv[2];
if (cmd === '--version' || cmd === '-V') {
  console.log(`aster_drive ${VERSION}`);
} else if (cmd === 'doctor') {
  runDoctor(process.argv.slice(3)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`${JSON.stringify({ ok: false, error: { code: 'internal_server_error', error_type: 'internal', message: String(e) } })}\n`);
      process.exit(1);
    },
  );
} else {
  serve().catch((e) => {
    console.error('[standin] failed to start:', e instanceof UnknownFaultError ? e.message : e);
    process.exit(1);
  });
}
