#!/usr/bin/env bash
# What the tests need from the system: headless LibreOffice (Calc), to prove that
# the workbooks kakobuy writes open in a real spreadsheet program. Installed from
# Debian's packages when we can; otherwise the tests that need it skip and say why.
set -u
if command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then
    if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
      echo "note: LibreOffice is not installed and apt-get needs root; the LibreOffice tests will skip." >&2
      exit 0
    fi
  fi
  echo "Installing LibreOffice Calc (headless) for the workbook tests..." >&2
  if $SUDO apt-get update -qq >/dev/null 2>&1 &&
     DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libreoffice-calc-nogui >/dev/null 2>&1; then
    exit 0
  fi
  echo "note: installing libreoffice-calc-nogui failed; the LibreOffice tests will skip." >&2
  exit 0
fi
if command -v brew >/dev/null 2>&1; then
  echo "note: LibreOffice is not installed; 'brew install --cask libreoffice' enables the LibreOffice tests." >&2
fi
exit 0
