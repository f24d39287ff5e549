#!/usr/bin/env bash
# Installs what headless notebook execution needs:
#   - Debian's Jupyter packages (nbconvert, nbclient, ipykernel, jupyter-client), unless `jupyter nbconvert` works already;
#   - the tslab kernelspec under the repo-local, git-ignored prefix .jupyter/ (it holds an absolute path, so it is
#     generated per machine and never committed).
# Usage: bash scripts/setup-jupyter.sh [--kernel-only]   (as root for the apt step; idempotent; ~30 s on a fresh
#        machine). --kernel-only skips the apt step (CI installs the packages itself) and only writes the kernelspec.
# Afterwards: export JUPYTER_PATH="$PWD/.jupyter/share/jupyter" (executeNotebook() sets it by itself).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
KERNEL_ONLY=0
[ "${1:-}" = "--kernel-only" ] && KERNEL_ONLY=1

if [ "$KERNEL_ONLY" = 0 ] && { ! /usr/bin/python3 -c 'import nbconvert, nbclient, ipykernel, jupyter_client' >/dev/null 2>&1 || ! command -v jupyter >/dev/null 2>&1; }; then
  if [ "$(id -u)" != "0" ]; then
    echo "setup-jupyter: Jupyter is missing and this is not root; run as root or install:" >&2
    echo "  apt-get install jupyter-nbconvert python3-nbconvert python3-nbclient python3-ipykernel jupyter-client" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    jupyter-nbconvert python3-nbconvert python3-nbclient python3-ipykernel jupyter-client >/dev/null
fi

if [ ! -x "$ROOT/node_modules/.bin/tslab" ]; then
  echo "setup-jupyter: node_modules/.bin/tslab is missing; run npm ci first" >&2
  exit 1
fi

# --python /usr/bin/python3: a python3 earlier on PATH (pyenv) may lack Jupyter (tslab issue #92).
"$ROOT/node_modules/.bin/tslab" install --python /usr/bin/python3 \
  --binary "$ROOT/node_modules/.bin/tslab" --prefix "$ROOT/.jupyter" >/dev/null

export JUPYTER_PATH="$ROOT/.jupyter/share/jupyter" PYDEVD_DISABLE_FILE_VALIDATION=1
if ! jupyter kernelspec list 2>/dev/null | grep -q '^ *tslab '; then
  echo "setup-jupyter: the tslab kernelspec was not found under $JUPYTER_PATH" >&2
  exit 1
fi
echo "setup-jupyter: ok (JUPYTER_PATH=$JUPYTER_PATH)"
