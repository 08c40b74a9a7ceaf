#!/bin/sh
# Regenerates the test keystores (PKCS12, password "changeit") with the JDK's keytool. Run from this directory.
# ca.p12      : a test CA (EC, ~100 years); tests trust it
# server.p12  : server certificate signed by the CA for 127.0.0.1, ::1, localhost and check.lbkit.test, ~100 years
# expired.p12 : signed by the CA for the same addresses, valid for one day three days before it was made
# client.p12  : a self-signed client certificate for mutual TLS tests
set -e
rm -f ca.p12 server.p12 expired.p12 client.p12 ca.pem ./*.csr ./*.crt
common="-keyalg EC -groupname secp256r1 -storetype PKCS12 -storepass changeit -keypass changeit"
keytool -genkeypair -alias ca $common -dname CN=lbkit-test-ca -ext bc:c -validity 36500 -keystore ca.p12
keytool -exportcert -rfc -alias ca -keystore ca.p12 -storepass changeit -file ca.pem
leaf() { # name dname san startdate-args validity
  keytool -genkeypair -alias "$1" $common -dname "$2" -keystore "$1.p12"
  keytool -certreq -alias "$1" -keystore "$1.p12" -storepass changeit -file "$1.csr"
  keytool -gencert -alias ca -keystore ca.p12 -storepass changeit -infile "$1.csr" -outfile "$1.crt" \
    -rfc -ext "SAN=$3" $4 -validity "$5"
  keytool -importcert -noprompt -alias ca -file ca.pem -keystore "$1.p12" -storepass changeit
  keytool -importcert -alias "$1" -file "$1.crt" -keystore "$1.p12" -storepass changeit
}
leaf server CN=check.lbkit.test "ip:127.0.0.1,ip:::1,dns:localhost,dns:check.lbkit.test" "" 36500
leaf expired CN=expired.lbkit.test "ip:127.0.0.1,dns:localhost" "-startdate -3d" 1
keytool -genkeypair -alias client $common -dname CN=client.lbkit.test -validity 36500 -keystore client.p12
rm -f ca.pem ./*.csr ./*.crt
