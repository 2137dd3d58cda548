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
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads the gateway's RSA key pair (PEM) and describes its public half as a JWK; also the public keys the gateway
 * publishes beside it without signing with them (a key rotation's next or previous key, docs/operations.md).
 */
public final class SigningKeys {

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final PrivateKey privateKey;
    private final RSAPublicKey publicKey;
    private final String keyId;
    private final List<RSAPublicKey> additionalPublicKeys;

    public SigningKeys(PrivateKey privateKey, RSAPublicKey publicKey) {
        this(privateKey, publicKey, List.of());
    }

    /**
     * @param privateKey           the key tokens are signed with
     * @param publicKey            its public half (its thumbprint is the tokens' {@code kid})
     * @param additionalPublicKeys published in the JWKS after it, never used to sign; a key equal to the signing key
     *                             or to an earlier one is published once
     */
    public SigningKeys(PrivateKey privateKey, RSAPublicKey publicKey, List<RSAPublicKey> additionalPublicKeys) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.keyId = thumbprint(publicKey);
        this.additionalPublicKeys = List.copyOf(additionalPublicKeys);
    }

    public static SigningKeys load(String privateLocation, String publicLocation) {
        return load(privateLocation, publicLocation, List.of());
    }

    /**
     * Loads the key pair and the additional public keys.
     *
     * @param privateLocation           PKCS#8 PEM private key (path, {@code file:} or {@code classpath:})
     * @param publicLocation            X.509 PEM public key, or null to derive it from the private key
     * @param additionalPublicLocations X.509 PEM public keys published beside it (may be empty)
     * @return the keys
     * @throws IllegalStateException when a key does not parse as an RSA key
     * @throws UncheckedIOException  when a location cannot be read
     */
    public static SigningKeys load(String privateLocation, String publicLocation,
            List<String> additionalPublicLocations) {
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            PrivateKey priv = rsa.generatePrivate(new PKCS8EncodedKeySpec(pem(read(privateLocation))));
            List<RSAPublicKey> additional = new ArrayList<>();
            for (String location : additionalPublicLocations) {
                additional.add(readPublic(rsa, location));
            }
            RSAPublicKey pub;
            if (publicLocation != null) {
                pub = readPublic(rsa, publicLocation);
            } else if (priv instanceof RSAPrivateCrtKey crt) {
                pub = (RSAPublicKey) rsa.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
            } else {
                throw new IllegalStateException("the public key location is required for this private key");
            }
            return new SigningKeys(priv, pub, additional);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the federated token signing key", e);
        }
    }

    private static RSAPublicKey readPublic(KeyFactory rsa, String location) throws GeneralSecurityException {
        try {
            return (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(pem(read(location))));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new GeneralSecurityException("not an X.509 PEM RSA public key: " + location, e);
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

    /** The public JWK of the signing key. */
    public Map<String, String> publicJwk() {
        return jwk(publicKey);
    }

    /**
     * The keys served in {@code /.well-known/jwks.json} (RFC 7517 JWK set members): the signing key first, then each
     * additional public key once, in configured order. Verifiers pick by {@code kid}, so a token of any of them
     * verifies with this set.
     *
     * @return the public JWKs, each with {@code kty}, {@code use}, {@code alg}, {@code kid}, {@code n}, {@code e}
     */
    public List<Map<String, String>> publishedJwks() {
        Map<String, Map<String, String>> byKid = new LinkedHashMap<>();
        byKid.put(keyId, publicJwk());
        for (RSAPublicKey key : additionalPublicKeys) {
            byKid.putIfAbsent(thumbprint(key), jwk(key));
        }
        return List.copyOf(byKid.values());
    }

    private static Map<String, String> jwk(RSAPublicKey key) {
        return Map.of("kty", "RSA", "use", "sig", "alg", "RS256", "kid", thumbprint(key),
                "n", b64(key.getModulus()), "e", b64(key.getPublicExponent()));
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
