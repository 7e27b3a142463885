// package.test.mjs -- the .deb end to end: `cpack -G DEB` builds it from
// this build folder, `apt-get install ./handsup_*.deb` installs it with its
// computed dependencies, the installed /usr/bin/handsup checks and serves
// the shipped example deck with the shipped configuration (finding its
// pages in /usr/share/handsup), the unit passes `systemd-analyze verify` and
// keeps its `systemd-analyze security` score, and `apt-get purge` removes
// it all.
//
// It changes the machine (a package installed, then purged), so it runs as
// root only, never where handsup is already installed, and only in the
// Release pass of `sh .ci/dev test`: the ASan build is not what ships, and
// installing twice proves nothing more.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';

import { Client, Server, tempDir } from './lib.mjs';

const BUILD = process.env.HANDSUP_BUILD_DIR;
const CPACK = process.env.HANDSUP_CPACK || 'cpack';
const installed = spawnSync('dpkg-query', ['-W', '-f=${Status}', 'handsup']).stdout?.toString().includes('installed');
const skip = process.env.HANDSUP_SANITIZED === '1' ? 'the Release pass builds and installs the package'
  : process.getuid?.() !== 0 ? 'needs root to install a package'
  : !BUILD ? 'HANDSUP_BUILD_DIR is not set (run through ctest)'
  : spawnSync('apt-get', ['--version']).status !== 0 ? 'needs apt-get'
  : installed ? 'handsup is installed on this machine already; this test will not replace it'
  : false;

const apt = (args) => execFileSync('apt-get', ['-y', '-q', '-o', 'DPkg::Lock::Timeout=120', ...args], {
  env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 180000,
}).toString();

let didInstall = false;
after(() => {
  if (didInstall) apt(['purge', 'handsup']);
});

test('the .deb builds, installs with its dependencies, serves the example deck, and is removed', { skip, timeout: 240000 }, async () => {
  // Build it.
  execFileSync(CPACK, ['-G', 'DEB'], { cwd: BUILD, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000 });
  const deb = readdirSync(BUILD).filter((f) => /^handsup_.*\.deb$/.test(f)).map((f) => path.join(BUILD, f))[0];
  assert.ok(deb, 'cpack made handsup_<version>_<arch>.deb');
  const depends = execFileSync('dpkg-deb', ['-f', deb, 'Depends']).toString();
  for (const lib of ['libwebsockets', 'libwebsockets-evlib-ev', 'libsqlite3', 'libjansson', 'libcmark', 'libqrencode', 'libev', 'libssl', 'libc6']) {
    assert.match(depends, new RegExp(`(^|, )${lib}`), `Depends names ${lib}: ${depends}`);
  }
  assert.match(execFileSync('dpkg-deb', ['--ctrl-tarfile', deb]).toString('latin1'), /conffiles/);

  // Install it.
  apt(['install', deb]);
  didInstall = true;
  for (const f of ['/usr/bin/handsup', '/usr/share/handsup/web/index.html', '/usr/share/handsup/presenter/index.html',
    '/usr/share/handsup/slides/workshop.md', '/usr/share/man/man1/handsup.1.gz', '/lib/systemd/system/handsup.service',
    '/etc/handsup/handsup.conf', '/usr/share/doc/handsup/deployment.md', '/usr/share/doc/handsup/nginx-handsup.conf']) {
    assert.ok(existsSync(f), `${f} is installed`);
  }
  const version = execFileSync('/usr/bin/handsup', ['--version']).toString();
  assert.match(version, /^handsup \d+\.\d+\.\d+\n  libwebsockets/);

  // `handsup check` comes with the decks branch (issue 12); until then the
  // deck is checked by serving it.
  const help = execFileSync('/usr/bin/handsup', ['--help']).toString();
  if (/handsup check/.test(help)) {
    const r = spawnSync('/usr/bin/handsup', ['check', '/usr/share/handsup/slides/workshop.md']);
    assert.equal(r.status, 0, `handsup check: ${r.stdout}${r.stderr}`);
  }

  // Serve with the shipped configuration (its data file and port replaced:
  // there is no systemd here to make /var/lib/handsup).
  const server = new Server({ argv: ['--config', '/etc/handsup/handsup.conf', '--port', '0', '--data', path.join(tempDir(), 'pkg.db')],
    port: 0, bin: '/usr/bin/handsup' });
  await server.start();
  try {
    assert.match(server.stderr, /msg=serving .*assets=\/usr\/share\/handsup\b/, server.output());
    const code = server.stdout.match(/join code: +(\d{8})/)[1];
    const page = await server.get(`/j/${code}`);
    assert.equal(page.status, 200);
    assert.equal(page.body, readFileSync('/usr/share/handsup/web/index.html', 'utf8'));
    const c = await Client.connect(server, { label: 'phone' });
    c.send({ type: 'join', code });
    const welcome = await c.next('welcome');
    assert.equal(welcome.role, 'attendee');
    await c.close();
  } finally {
    await server.stop();
  }

  // The unit, as installed.
  const verify = spawnSync('systemd-analyze', ['verify', '/lib/systemd/system/handsup.service']);
  assert.equal(verify.status, 0, `systemd-analyze verify:\n${verify.stdout}${verify.stderr}`);
  const security = spawnSync('systemd-analyze', ['security', '--offline=true', '/lib/systemd/system/handsup.service']);
  const score = Number(security.stdout.toString().match(/Overall exposure level for handsup\.service: ([\d.]+)/)?.[1]);
  assert.ok(score <= 1.5, `systemd-analyze security: ${score} (docs/deployment.md says 1.1)`);

  // Remove it.
  apt(['purge', 'handsup']);
  didInstall = false;
  for (const f of ['/usr/bin/handsup', '/usr/share/handsup', '/etc/handsup', '/lib/systemd/system/handsup.service']) {
    assert.ok(!existsSync(f), `${f} is gone`);
  }
});

test('cmake --install lays out bin/, share/handsup/, the man page, the unit and the config under a prefix', { skip: !BUILD && 'HANDSUP_BUILD_DIR is not set (run through ctest)' }, async () => {
  const prefix = path.join(tempDir('handsup-prefix-'), 'opt');
  execFileSync(process.env.HANDSUP_CMAKE || 'cmake', ['--install', BUILD, '--prefix', prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const f of ['bin/handsup', 'share/handsup/web/index.html', 'share/handsup/presenter/present.js',
    'share/handsup/slides/workshop.md', 'share/man/man1/handsup.1.gz', 'share/doc/handsup/deployment.md',
    'lib/systemd/system/handsup.service', 'etc/handsup/handsup.conf']) {
    assert.ok(existsSync(path.join(prefix, f)), `${f} is installed under the prefix`);
  }
  // The installed binary finds its pages beside itself, not in the sources.
  const server = new Server({ bin: path.join(prefix, 'bin', 'handsup'), decks: [path.join(prefix, 'share/handsup/slides/workshop.md')] });
  await server.start();
  try {
    const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(server.stderr, new RegExp(`msg=serving .*assets=${escaped}/share/handsup\\b`), server.output());
    assert.equal((await server.get('/present/')).status, 200);
  } finally {
    await server.stop();
  }
});
