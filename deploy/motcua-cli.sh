#!/bin/sh
# /usr/local/bin/motcua: the motcua command with the installation's settings, run as the user
# motcua (docs/deployment.md). install -m 755 deploy/motcua-cli.sh /usr/local/bin/motcua
exec runuser -u motcua -- sh -c \
  'set -a; . /etc/motcua/motcua.env; set +a; exec /srv/motcua/venv/bin/motcua "$@"' motcua "$@"
