#!/bin/sh
# /usr/bin/command-center: the command centre in its own Python environment (/opt/command-center).
exec /opt/command-center/bin/command-center "$@"
