// esbuild options shared by the CLI bundle (build-cli.mjs) and the App/reporter bundles (build-app.mjs):
// Node 20+ ESM with every dependency included.
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

export const bundleOptions = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies (yaml, handlebars, probot, pino…) call require() for Node's built-ins, which an ESM bundle lacks.
  banner: { js: "import { createRequire as __courierRequire } from 'node:module'; const require = __courierRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
};
