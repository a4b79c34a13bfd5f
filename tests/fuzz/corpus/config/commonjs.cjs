#!/usr/bin/env node
/* CommonJS, as a .cjs or .cts config is written */
const { defineConfig, env } = require("prisma/config");
module.exports = defineConfig({ schema: 'prisma\x2fschema\u{2e}prisma', datasource: { url: env('FUZZ_EMPTY') } });
