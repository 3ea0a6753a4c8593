#!/usr/bin/env node
// Builds better-sqlite3's native addon for Electron's ABI into native/electron/,
// beside the Node build that `npm install` made in node_modules. The desktop app
// loads this copy through better-sqlite3's `nativeBinding` option; tests, the CLI
// and `npm run serve` keep loading the Node build. Needs network access to fetch
// a prebuilt addon or Electron's headers.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const projectRoot = resolve(import.meta.dirname, '..');
const target = join(projectRoot, 'native', 'electron', 'better_sqlite3.node');
const require = createRequire(import.meta.url);

if (process.argv.includes('--if-missing') && existsSync(target)) process.exit(0);

const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
const workDir = mkdtempSync(join(tmpdir(), 'mpreid-sqlite-electron-'));
cpSync(sqliteDir, workDir, { recursive: true, filter: (path) => !path.includes(`${sqliteDir}/build`) });

console.log(`Building better-sqlite3 for Electron ${electronVersion} in ${workDir}`);
try {
  build(workDir, electronVersion);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join(workDir, 'build', 'Release', 'better_sqlite3.node'), target);
  console.log(`Wrote ${target}`);
} catch (error) {
  console.error(
    `Could not build better-sqlite3 for Electron ${electronVersion}: ${error.message}\n` +
      'This step downloads a prebuilt addon (or Electron headers) and needs network access. ' +
      'Run "npm run rebuild:electron" again once online. The CLI, tests and "npm run serve" do not need it.',
  );
  process.exitCode = 1;
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

function build(dir, version) {
  // A machine-wide nodedir setting would make node-gyp compile against Node's headers, giving an addon Electron cannot load.
  const env = { ...process.env, npm_config_nodedir: '', NODEDIR: '' };
  const options = { cwd: dir, stdio: 'inherit', env };
  try {
    // Prebuilt addons for Electron are published with each better-sqlite3 release.
    execFileSync(process.execPath, [require.resolve('prebuild-install/bin.js'), '--runtime', 'electron', '--target', version], options);
  } catch {
    // No prebuilt for this Electron: compile against Electron's headers instead.
    const nodeGyp = join(dirname(process.env.npm_execpath ?? ''), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    execFileSync(process.execPath, [nodeGyp, 'rebuild', '--release', '--nodedir=', `--target=${version}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], options);
  }
}
