#!/bin/sh
# Regenerates the PEM test vectors for PemTest with openssl (3.x). Run from this directory.
# ec.crt + ec-pkcs8.key / ec-sec1.key : a self-signed P-256 certificate and its key as PKCS#8 and as SEC1
# rsa.crt + rsa-pkcs1.key             : a self-signed RSA 2048 certificate and its key as PKCS#1
# ec-encrypted.key                    : ec-pkcs8.key encrypted (PBES2, AES-256-CBC, HMAC-SHA256; "changeit")
# ec-aes128.key                       : ec-pkcs8.key encrypted (PBES2, AES-128-CBC, HMAC-SHA512; "changeit")
# rsa-aes256.key                      : rsa-pkcs1.key as PKCS#8 encrypted (PBES2, AES-256-CBC; "pass word")
# rsa-des3.key                        : rsa-pkcs1.key as PKCS#8 encrypted (PBES2, DES-EDE3-CBC, HMAC-SHA1; "changeit")
# rsa-legacy.key                      : rsa-pkcs1.key with the legacy OpenSSL encryption (Proc-Type), to be refused
set -e
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ec-pkcs8.key -out ec.crt \
  -subj /CN=pem-ec.lbkit.test -days 36500
openssl ec -in ec-pkcs8.key -out ec-sec1.key
openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa.tmp -out rsa.crt -subj /CN=pem-rsa.lbkit.test -days 36500
openssl rsa -in rsa.tmp -traditional -out rsa-pkcs1.key
openssl pkcs8 -topk8 -in ec-pkcs8.key -passout pass:changeit -out ec-encrypted.key
openssl pkcs8 -topk8 -v2 aes-128-cbc -v2prf hmacWithSHA512 -in ec-pkcs8.key -passout pass:changeit -out ec-aes128.key
openssl pkcs8 -topk8 -v2 aes-256-cbc -in rsa-pkcs1.key -passout "pass:pass word" -out rsa-aes256.key
openssl pkcs8 -topk8 -v2 des3 -v2prf hmacWithSHA1 -in rsa-pkcs1.key -passout pass:changeit -out rsa-des3.key
openssl rsa -in rsa-pkcs1.key -des3 -passout pass:changeit -traditional -out rsa-legacy.key
rm -f rsa.tmp
