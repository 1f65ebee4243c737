// Jest transform: TypeScript to CommonJS with esbuild. Type checking is `make lint` (tsc), not the test run.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code } = transformSync(source, { loader: 'ts', format: 'cjs', target: 'node18', sourcemap: 'inline', sourcefile: filename });
    return { code };
  },
};
