#!/bin/sh
# Regenerate every raster icon in this folder from the two SVG sources.
#   cogauth.svg -> 32x32.png 64x64.png 128x128.png 128x128@2x.png icon.png icon.ico icon.icns
#   tray.svg    -> tray.png (32x32) tray@2x.png (64x64)
#   cogauth.svg -> ../ui/logo.svg (a copy, for the UI header)
# Needs: npx (Node, for the Tauri CLI's `icon` command) and rsvg-convert (Debian: librsvg2-bin).
set -eu
cd "$(dirname "$0")"

TAURI_CLI='@tauri-apps/cli@2.12.5'
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

npx --yes "$TAURI_CLI" icon cogauth.svg -o "$out"
# Only what the desktop bundler (deb, AppImage, msi, dmg) uses; the Windows Store logos and
# the android/ios folders that `tauri icon` also writes are left out on purpose.
for f in 32x32.png 64x64.png 128x128.png 128x128@2x.png icon.png icon.ico icon.icns; do
  cp "$out/$f" "$f"
done

rsvg-convert -w 32 -h 32 tray.svg -o tray.png
rsvg-convert -w 64 -h 64 tray.svg -o tray@2x.png

# The UI shows the app icon in its header; it cannot reach this folder (only ui/ is served).
cp cogauth.svg ../ui/logo.svg
