package org.crosstenant.gateway.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;

/** Loads the gateway's RSA key pair (PEM) and describes its public half as a JWK. */
public final class SigningKeys {

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final PrivateKey privateKey;
    private final RSAPublicKey publicKey;
    private final String keyId;

    public SigningKeys(PrivateKey privateKey, RSAPublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.keyId = thumbprint(publicKey);
    }

    public static SigningKeys load(String privateLocation, String publicLocation) {
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            PrivateKey priv = rsa.generatePrivate(new PKCS8EncodedKeySpec(pem(read(privateLocation))));
            RSAPublicKey pub;
            if (publicLocation != null) {
                pub = (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(pem(read(publicLocation))));
            } else if (priv instanceof RSAPrivateCrtKey crt) {
                pub = (RSAPublicKey) rsa.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
            } else {
                throw new IllegalStateException("the public key location is required for this private key");
            }
            return new SigningKeys(priv, pub);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the federated token signing key", e);
        }
    }

    public static SigningKeys ephemeral() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair pair = gen.generateKeyPair();
            return new SigningKeys(pair.getPrivate(), (RSAPublicKey) pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public RSAPublicKey publicKey() {
        return publicKey;
    }

    public String keyId() {
        return keyId;
    }

    /** The public JWK as served in /.well-known/jwks.json. */
    public Map<String, String> publicJwk() {
        return Map.of("kty", "RSA", "use", "sig", "alg", "RS256", "kid", keyId,
                "n", b64(publicKey.getModulus()), "e", b64(publicKey.getPublicExponent()));
    }

    /** RFC 7638 JWK SHA-256 thumbprint: the kid, stable for a key whoever computes it. */
    static String thumbprint(RSAPublicKey key) {
        String canonical = "{\"e\":\"" + b64(key.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\""
                + b64(key.getModulus()) + "\"}";
        try {
            return B64URL.encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            // unsigned big-endian, as JWK wants it
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return B64URL.encodeToString(bytes);
    }

    private static byte[] pem(String text) {
        String body = text.replaceAll("-----(BEGIN|END)[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    private static String read(String location) {
        try {
            if (location.startsWith("classpath:")) {
                String resource = location.substring("classpath:".length()).replaceFirst("^/", "");
                try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException("no classpath resource " + resource);
                    }
                    return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                }
            }
            String path = location.startsWith("file:") ? location.substring("file:".length()) : location;
            return Files.readString(Path.of(path), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read key " + location, e);
        }
    }
}
