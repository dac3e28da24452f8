// Copies the non-TypeScript files the hub reads at run time next to the compiled code.
const { cpSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
for (const dir of [
  'src/documents/fonts',
  'src/archive/schemas',
  'src/catalogs/reference-data',
  'src/demo/data',
]) {
  cpSync(join(root, dir), join(root, 'dist', dir), {
    recursive: true,
    filter: (source) => !source.endsWith('.ts'),
  });
}
