/**
 * `npm run bench -- <name> [...]`: runs bench/<name>.bench.ts (each exports `main(args)`).
 * With no name, lists the benchmarks.
 */
import * as fs from 'fs';
import * as path from 'path';

async function run(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const available = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.js'))
    .map((f) => f.replace(/\.bench\.js$/, ''));
  if (!name || name === '--help') {
    console.log(`usage: npm run bench -- <name>\nbenchmarks: ${available.join(', ')}`);
    return;
  }
  if (!available.includes(name)) {
    throw new Error(`unknown benchmark '${name}'; expected one of: ${available.join(', ')}`);
  }
  const mod = require(path.join(__dirname, `${name}.bench.js`)) as { main(args: string[]): Promise<void> };
  await mod.main(args);
}

run().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
