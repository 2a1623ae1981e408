#!/usr/bin/env bash
# Every user-facing string has a Chinese translation: extract the messages afresh into the
# catalogues, fail if any entry is untranslated or fuzzy, then put the catalogues back as they were
# (so a developer's working tree is not changed by running the tests).
set -euo pipefail
cd "$(dirname "$0")/../src/kinlink"
BIN=../../.venv/bin
backup=$(mktemp -d)
trap 'rm -rf "$backup"' EXIT
mapfile -t catalogues < <(find . -path ./.venv -prune -o -name django.po -path '*zh_Hans*' -print)
for po in "${catalogues[@]}"; do mkdir -p "$backup/$(dirname "$po")"; cp "$po" "$backup/$po"; done
$BIN/kinlink makemessages -l zh_Hans --no-obsolete --no-location >/dev/null
status=0
for po in "${catalogues[@]}"; do
  stats=$(msgfmt --statistics -o /dev/null "$po" 2>&1)
  if [[ "$stats" == *fuzzy* || "$stats" == *untranslated* ]]; then
    echo "$po: $stats (run 'make messages' and translate these):"
    { msgattrib --untranslated --no-wrap "$po"; msgattrib --only-fuzzy --no-wrap "$po"; } \
      | grep '^msgid "[^"]' | head -20
    status=1
  fi
  cp "$backup/$po" "$po"
done
exit $status
