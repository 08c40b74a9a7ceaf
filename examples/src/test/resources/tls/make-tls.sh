#!/bin/sh
# Regenerates CheckCommandTest's TLS files with openssl (3.x). Run from this directory.
# server.p12  : a self-signed P-256 certificate for 127.0.0.1 and its key (PKCS12, password changeit, 3DES as every
#               JDK reads it)
# client.pem  : a self-signed P-256 client certificate and its key in one file, as HAProxy's crt takes them
# client.crt / client.key : the same certificate and key in two files (--cert and --key)
set -e
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.crt \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 36500
openssl pkcs12 -export -in server.crt -inkey server.key -name server -passout pass:changeit \
  -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1 -out server.p12
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout client.key -out client.crt \
  -subj /CN=cli-client.lbkit.test -days 36500
cat client.crt client.key > client.pem
rm -f server.key server.crt
