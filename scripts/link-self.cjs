// Makes `import ... from 'spikesplit'` resolve from anywhere in the checkout (notebooks/, test/, bench/):
// node_modules/spikesplit is a link to the project root. tslab cannot resolve `../lib` from notebooks/.
const fs = require('fs');
const path = require('path');
const root = path.resolve(__dirname, '..');
const link = path.join(root, 'node_modules', 'spikesplit');
fs.mkdirSync(path.dirname(link), { recursive: true });
try {
  if (fs.readlinkSync(link) === root) process.exit(0);
  fs.unlinkSync(link);
} catch (e) {
  if (e.code !== 'ENOENT') throw e;
}
fs.symlinkSync(root, link, 'dir');
