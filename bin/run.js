#!/usr/bin/env node
// The `klog` command. oclif loads the compiled commands from dist/cli/commands (built by `npm run build`,
// which `npm ci` runs through the `prepare` script).
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
