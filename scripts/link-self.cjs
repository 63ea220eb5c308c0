// Makes `import ... from 'spikesplit'` resolve from anywhere in the checkout (notebooks/, test/, bench/):
// node_modules/spikesplit is a link to the project root (tslab cannot resolve `../lib` from notebooks/).
// Also puts the `spikesplit` command in node_modules/.bin, so that `npx spikesplit` runs this checkout's.
const fs = require('fs');
const path = require('path');
const root = path.resolve(__dirname, '..');

function link(target, at) {
  fs.mkdirSync(path.dirname(at), { recursive: true });
  try {
    if (fs.readlinkSync(at) === target) return;
    fs.unlinkSync(at);
  } catch (e) {
    if (e.code === 'EINVAL') fs.unlinkSync(at);
    else if (e.code !== 'ENOENT') throw e;
  }
  fs.symlinkSync(target, at);
}

link(root, path.join(root, 'node_modules', 'spikesplit'));
const bin = path.join(root, 'node_modules', '.bin', 'spikesplit');
fs.rmSync(bin, { force: true });
fs.writeFileSync(bin, '#!/bin/sh\nexec node "$(dirname "$0")/../../dist/scripts/cli.js" "$@"\n', { mode: 0o755 });
