#!/bin/sh
# Run by the postgres image once, when its data volume is new: one database per service, owned
# by POSTGRES_USER. (`tandem migrate` then creates the tables.)
set -eu
for service in intake matching scheduling notify; do
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
        -c "CREATE DATABASE tandem_${service} OWNER \"${POSTGRES_USER}\""
done
