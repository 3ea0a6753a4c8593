import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

// electron-vite builds the three entries from the top-level folders: main/, preload/, renderer/.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'main/index.ts'),
          // Worker threads load their module by file, so each one is its own entry (see workerModuleUrl).
          'embedding-worker': resolve(import.meta.dirname, 'main/ml/embedding/embedding-worker.ts'),
          'training-worker': resolve(import.meta.dirname, 'main/ml/mpreid/training-worker.ts'),
          'distance-worker': resolve(import.meta.dirname, 'main/retrieval/distance-worker.ts'),
        },
      },
    },
  },
  preload: {
    // A sandboxed preload cannot require packages, so zod and the contract are bundled in.
    build: {
      externalizeDeps: false,
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'renderer/index.html') } },
    },
  },
});
