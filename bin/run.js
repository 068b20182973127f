#!/usr/bin/env node
import {execute} from '@oclif/core';

import {applyCliV8Flags} from '../dist/cli/v8-flags.js';

applyCliV8Flags();
await execute({dir: import.meta.url});
