// Rollup bundles tsc's output (build/) for the browser: node-resolve with the `browser`
// condition picks each package's browser modules.
import { nodeResolve } from '@rollup/plugin-node-resolve';

export default {
  input: 'build/main.js',
  output: { dir: 'dist/rollup', format: 'es' },
  plugins: [nodeResolve({ browser: true })],
};
