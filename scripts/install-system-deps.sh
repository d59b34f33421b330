#!/usr/bin/env bash
# Installs the Debian packages the GPU tests need, only when they are missing:
#  - libvulkan1 + mesa-vulkan-drivers (lavapipe) from bookworm-backports: Dawn rejects Mesa 22.3
#  - chromium for the Playwright e2e suite (playwright-core drives /usr/bin/chromium)
#  - fonts-dejavu-core: DejaVu Sans, the font text pages are rendered with (Node and browser)
set -euo pipefail

need_vulkan=0
need_chromium=0
need_fonts=0
lavapipe_version=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
case "$lavapipe_version" in
  2[4-9].*|[3-9][0-9].*) ;;
  *) need_vulkan=1 ;;
esac
[ -x /usr/bin/chromium ] || need_chromium=1
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_fonts=1

if [ "$need_vulkan" = 0 ] && [ "$need_chromium" = 0 ] && [ "$need_fonts" = 0 ]; then
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "opticspace setup: missing Debian packages (mesa-vulkan-drivers>=24 from bookworm-backports: $need_vulkan, chromium: $need_chromium, fonts-dejavu-core: $need_fonts)." >&2
  echo "Run this script as root: sudo $0" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if [ "$need_vulkan" = 1 ]; then
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  list=/etc/apt/sources.list.d/${codename}-backports.sources
  if ! grep -rqs "${codename}-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    cat > "$list" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: ${codename}-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
  apt-get update -qq
  apt-get install -y -qq -t "${codename}-backports" mesa-vulkan-drivers libvulkan1 >/dev/null
else
  apt-get update -qq
fi
packages=""
[ "$need_chromium" = 1 ] && packages="$packages chromium"
[ "$need_fonts" = 1 ] && packages="$packages fonts-dejavu-core"
if [ -n "$packages" ]; then
  # shellcheck disable=SC2086
  apt-get install -y -qq $packages >/dev/null
fi
echo "opticspace setup: Debian packages ready (mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers), $(/usr/bin/chromium --version 2>/dev/null))"
