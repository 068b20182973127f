#!/usr/bin/env bash
# Installs the packed package the way a user does and runs it: `npm pack`, then `npm i -g <tarball>` into
# an empty temporary prefix with no ONNXRUNTIME_* variables and no project .npmrc, then
# `ldi-gltf build photo.jpg --model FILE.onnx` (a generated model) and `ldi-gltf depth --json` from an
# empty folder. Prints install time, installed size and which ONNX runtime ran. Needs the npm registry
# (or a warm npm cache); not part of `npm test`.
#
#   scripts/check-install.sh            # as a machine that reaches only the npm registry
#   ONNXRUNTIME_NODE_INSTALL=skip scripts/check-install.sh   # with the native runtime kept
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/ldi-gltf-install-XXXXXX)"
trap 'rm -rf "$work"' EXIT
keep="${ONNXRUNTIME_NODE_INSTALL:-}"
unset ONNXRUNTIME_NODE_INSTALL ONNXRUNTIME_NODE_INSTALL_CUDA npm_config_onnxruntime_node_install
[ -n "$keep" ] && export ONNXRUNTIME_NODE_INSTALL="$keep"

(cd "$root" && npm pack --silent --pack-destination "$work" >/dev/null)
tarball="$(ls "$work"/ldi-gltf-*.tgz)"
mkdir -p "$work/empty"
(cd "$root" && node --import=tsx -e "import('./test/fixtures/onnx-builder.ts').then((m) => require('node:fs').writeFileSync('$work/empty/model.onnx', m.convStackModel({size: 256, channels: 16, layers: 2})))")
cp "$root/assets/sample.jpg" "$work/empty/photo.jpg"

cd "$work/empty"
start=$(date +%s.%N)
npm i -g --prefix "$work/prefix" --no-audit --no-fund "$tarball" >/dev/null 2>&1
end=$(date +%s.%N)
echo "install: $(echo "$end - $start" | bc) s, $(du -sh "$work/prefix" | cut -f1) installed"
"$work/prefix/bin/ldi-gltf" build photo.jpg --model model.onnx -o photo.glb --quiet
echo "build --model: photo.glb $(stat -c %s photo.glb) bytes"
"$work/prefix/bin/ldi-gltf" depth photo.jpg --model model.onnx --json -o depth.png | grep -E '"runtime"|"inference"'
