#!/usr/bin/env bash
# Installs the Debian packages spikesplit needs beside npm's: Jupyter (nbclient, nbconvert) for the
# notebooks, run as /usr/bin/python3, Chromium for exporting figures to PNG/SVG, and Redis (the queue of
# `spikesplit worker`; the scale-out tests start their own server). Installs only what is missing;
# as non-root it prints the command instead.
set -euo pipefail
packages=()
/usr/bin/python3 -c 'import nbclient, nbformat, nbconvert, jupyter_client' 2>/dev/null ||
  packages+=(python3-nbconvert python3-nbclient jupyter-client python3-ipython)
[ -x /usr/bin/chromium ] || packages+=(chromium)
command -v redis-server >/dev/null || packages+=(redis-server)
[ ${#packages[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "spikesplit needs these Debian packages: ${packages[*]}" >&2
  echo "install them with: sudo apt-get update && sudo apt-get install -y ${packages[*]}" >&2
  exit 1
fi
echo "installing ${packages[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
