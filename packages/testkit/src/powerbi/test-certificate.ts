import { X509Certificate, createHash } from 'node:crypto';

/**
 * A self-signed RSA-2048 test certificate (CN=mlc-testkit-powerbi-simulator, valid 100 years), shipped as a
 * fixture because Node cannot create X.509 certificates without OpenSSL on the PATH. It protects nothing: it
 * exists only so simulator users can exercise certificate (client assertion) authentication. Never register
 * it with a real tenant.
 */
export const TEST_CERTIFICATE_PEM = `-----BEGIN CERTIFICATE-----
MIIDMzCCAhugAwIBAgIUEtjnAPk1rYH45bL4afNCs5YtsagwDQYJKoZIhvcNAQEL
BQAwKDEmMCQGA1UEAwwdbWxjLXRlc3RraXQtcG93ZXJiaS1zaW11bGF0b3IwIBcN
MjYxMTI2MDQ0ODI4WhgPMjEyNjExMDIwNDQ4MjhaMCgxJjAkBgNVBAMMHW1sYy10
ZXN0a2l0LXBvd2VyYmktc2ltdWxhdG9yMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A
MIIBCgKCAQEA1TW/rT3XQ6iKPzGR8HwMIJtcHpI/I27EpPO3pP5bJf3waJ8VbFRK
JMNXIMlK7hfnTWho/gR3V/wmSMOufs/D6ra3MzkjpeteIF4t6DoZsdZHQdwCP0do
nRq+wW41KrlsK3961kTzXOKizpDWVruQCVCeF26uvs92NXTOXtxq4vyLedUZ1Mb+
DwVOhSDAKqOdRBSq9Yr3vY5FL81wm0LN3uvd1ERxrhknWXGva5hrthrNBby1GAq9
+/2xxOIimFpexNtBQSVnlLDATl2CBtZU1jLjeCjFNDedqJZ1mb3ZgJcOUU7tknsk
OAWLcdhYayminFpKPU3EXJ/gbZ88HJXRZwIDAQABo1MwUTAdBgNVHQ4EFgQUJ/U2
zzAJAjI5aRjoZgmZulRSTjAwHwYDVR0jBBgwFoAUJ/U2zzAJAjI5aRjoZgmZulRS
TjAwDwYDVR0TAQH/BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOCAQEABL+AqExrJ9+3
WFCX1D0HGhSj0gkb9Zaxb0B74Ral9DezEynKS/hDbFXJ5L44Im96xFtnFEELc7hS
The1IEcqDNmF+bKpCRZezXTZ3Mjd8oIF4fPij2XXF767b7RzwztVji56QifNQDJx
t1JdkS6MF5hQotEB89UMOp6ak7mLVEzUhRpk1k9j5wm7+7Uz0m7syFEngDhXKemI
Y6Row/GvcpQeduRlzI2Dj9cW6h/5KnETm8eFOtJKbryUqrZvcXF1QDz1nQ4qjr3C
te6koGshsRHY+vrT3PNbwHeEsVKUZpjidPtyOcVXTVOSS3k6TPz/zjujF39RVCtY
UsEqQg/CPQ==
-----END CERTIFICATE-----
`;

/** The private key of {@link TEST_CERTIFICATE_PEM} (PKCS#8 PEM). Test fixture only. */
export const TEST_PRIVATE_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDVNb+tPddDqIo/
MZHwfAwgm1wekj8jbsSk87ek/lsl/fBonxVsVEokw1cgyUruF+dNaGj+BHdX/CZI
w65+z8PqtrczOSOl614gXi3oOhmx1kdB3AI/R2idGr7BbjUquWwrf3rWRPNc4qLO
kNZWu5AJUJ4Xbq6+z3Y1dM5e3Gri/It51RnUxv4PBU6FIMAqo51EFKr1ive9jkUv
zXCbQs3e693URHGuGSdZca9rmGu2Gs0FvLUYCr37/bHE4iKYWl7E20FBJWeUsMBO
XYIG1lTWMuN4KMU0N52olnWZvdmAlw5RTu2SeyQ4BYtx2FhrKaKcWko9TcRcn+Bt
nzwcldFnAgMBAAECggEAEi4uH635RXSsAoLN6KK7P1XgFLSbG6teAJl48bcau0ec
ZgoX/+UZbr8Va99I5g/gZ6eyjuPUmrUOkqp/nk1FwyWSGOpovBow1t5mWGSz54fX
tamhVhdXDVEdg6L2d6PYscYstElW3cxu3jcC1TcogL2AwuDA7SuwRGinEaGxSj+K
IdeDau3qmA+400alxLRSKeE5sGyUTEUzraKFaikcrEdpyS2JI65J79g9UDBGv7LD
7uJv6tI/jAz5rl8Fe5MxoHQUtVfoMvDAeebO29JZqHdTyL8EJrsa1CEOL3i571kX
kKAk1mPqGnUy49b6XwOVtpKZ7prBXXdaDQd2VJcqmQKBgQDw2YavJ/7UqIHb4XdV
K1Tcx3mk83NAnTal0QcEfagXM0qwk/tRP25AC7Ypg3FPfZ3qG+JRIUzdeuTSsWRS
U3A/tGU5xpj78e6ZHvpuq0bBYkZg+WrHqCHT2WGAl5BuZEhUBrVWUc7pVihR4wXS
UgISGdFgyierliakQ+U9x57tuwKBgQDinyGp+pzRKBssv8CE8KT4yv+sAhSRM+kh
wI3vyZCwWJaACGIQLNmV/Dqbdq+E6Yylg5LUWpGbn5E15nV3tPrc+h6KXkF3Vuo/
ftLFTLGTSxPZTRfzPIB77BKCTq8GqWZ2DEBBhKaG6MxSBL4dEnvOSORLYa3Y/302
SCqfhMRaRQKBgB61XXrPuqoaohQK91Agqj1MIbJqZ/OBGAqkUCS+cMQkgg1pkM2X
LNN1qtA4NiZQeeXzkDOP72D93lcOzx/AC7vToGRxcegNvMJBNOUPaYIWqaqLopW6
VjXQraHbsUqh9qbgBBbxb1RI6/Mk4wUh96mfKRcSL2StTFf9YCk0XospAoGBAMl/
EjCPmyVBUsA8EpJhYV2xKRkolF7y2APhsJIXF2YkrlRSn9af+isopHecVL2J5zs3
PLNBgBvuCe/x5Fo2eaNHZSZEXlMc3ZTtT7yLz4wWgiSBLp1gGyGUKnTgPzFeJ7Mo
e22F44cqsJjwjJVO3PPyzcHUrP23VP6Rtgw1wVw9AoGAWQEbr2CxfhNDtaTvvh9h
ceUX8ubhUpDgvWBHEWsx7c3dtjDcBoaXX/6BbevHvHr1yJtyu3GRcZTeFEEQxazq
YeWz4Rp+KqO/P2DuKCmSDFn4hBQp5Dx9oHS0IrrUbRcKkCkkXH5fUVvpbv0Ag6l0
uSPUBc9hl1NIazA9rebFZY8=
-----END PRIVATE KEY-----
`;

/** The thumbprints a client puts in an assertion header, plus their hex forms. */
export interface CertificateThumbprints {
  /** base64url SHA-1 of the certificate DER: the `x5t` header used with RS256. */
  x5t: string;
  /** base64url SHA-256 of the certificate DER: the `x5t#S256` header used with PS256. */
  x5tS256: string;
  /** Uppercase hex SHA-1 thumbprint, as the Azure portal shows it. */
  sha1Hex: string;
  /** Uppercase hex SHA-256 thumbprint. */
  sha256Hex: string;
}

/** Computes the thumbprints of a PEM certificate (throws a TypeError for input that is not a certificate). */
export function certificateThumbprints(certificatePem: string): CertificateThumbprints {
  const der = new X509Certificate(certificatePem).raw;
  const sha1 = createHash('sha1').update(der).digest();
  const sha256 = createHash('sha256').update(der).digest();
  return {
    x5t: sha1.toString('base64url'),
    x5tS256: sha256.toString('base64url'),
    sha1Hex: sha1.toString('hex').toUpperCase(),
    sha256Hex: sha256.toString('hex').toUpperCase(),
  };
}
