#!/usr/bin/env bash
# On the server, WITHOUT network: a virtualenv from deploy/wheelhouse only, the
# application's migrations and static files. Run as root from the source tree
# copied to /opt/chqs/app (README: "Triển khai trên máy chủ", steps 3–6).
set -euo pipefail
APP=${APP:-/opt/chqs/app}
VENV=${VENV:-/opt/chqs/venv}
WHEELHOUSE=${WHEELHOUSE:-deploy/wheelhouse}
cd "$APP"
python3 -m venv "$VENV"
"$VENV/bin/pip" install --no-index --find-links "$WHEELHOUSE" --upgrade pip setuptools wheel \
  || true  # the venv's own pip is fine when the wheelhouse has none newer
"$VENV/bin/pip" install --no-index --find-links "$WHEELHOUSE" .
set -a; . /etc/chqs/chqs.env; set +a
install -d -o chqs -g chqs -m 0750 "$PRIVATE_ROOT" "$MEDIA_ROOT" "$BACKUP_DIR"
install -d -o chqs -g chqs -m 0755 "$STATIC_ROOT"
runuser -u chqs -- "$VENV/bin/python" manage.py check --deploy --fail-level WARNING
runuser -u chqs -- "$VENV/bin/python" manage.py migrate --noinput
runuser -u chqs -- "$VENV/bin/python" manage.py collectstatic --noinput -v 0
echo "Đã cài xong. Tiếp theo: systemctl enable --now chqs-web chqs-worker@1 chqs-backup.timer"
