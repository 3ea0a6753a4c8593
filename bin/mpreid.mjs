#!/usr/bin/env node
// The mpreid command line runs the TypeScript services directly through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../main/cli/index.ts');
