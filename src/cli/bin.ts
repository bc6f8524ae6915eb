#!/usr/bin/env node
import { reportError } from './exit-codes.js';
import { processIo } from './io.js';
import { runCli } from './main.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportError(error, processIo.err);
  },
);
