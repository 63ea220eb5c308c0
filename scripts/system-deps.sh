#!/usr/bin/env bash
# Installs the Debian packages spikesplit needs beside npm's: Jupyter (nbclient, nbconvert) for running the
# notebooks headlessly and the classic notebook server (python3-notebook) for `npm run notebooks`, all run as
# /usr/bin/python3, Chromium for exporting figures to PNG/SVG and for the browser tests, openssl (the TLS tests
# make throwaway certificates), iproute2 (the two-host tests and `testbed --netns` use ip netns and tc), and
# Redis (the queue of `spikesplit worker`; the scale-out tests start their own server).
# Installs only what is missing; as non-root it prints the command instead.
set -euo pipefail
packages=()
/usr/bin/python3 -c 'import nbclient, nbformat, nbconvert, jupyter_client, notebook' 2>/dev/null ||
  packages+=(python3-nbconvert python3-nbclient jupyter-client python3-ipython python3-notebook)
[ -x /usr/bin/chromium ] || packages+=(chromium)
command -v openssl >/dev/null || packages+=(openssl)
{ command -v ip && command -v tc; } >/dev/null || packages+=(iproute2)
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
