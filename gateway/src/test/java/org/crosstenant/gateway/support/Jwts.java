package org.crosstenant.gateway.support;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Test-side JWT signing and verification with the JDK only (independent of the gateway's own signer). */
public final class Jwts {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Jwts() {
    }

    public static String sign(PrivateKey key, String kid, Map<String, Object> claims) {
        try {
            String input = b64(Map.of("alg", "RS256", "typ", "JWT", "kid", kid)) + "." + b64(claims);
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(rsa.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsigned token ({@code alg: none}). */
    public static String unsigned(Map<String, Object> claims) {
        return b64(Map.of("alg", "none", "typ", "JWT")) + "." + b64(claims) + ".";
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> claims(String jwt) {
        try {
            return JSON.readValue(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), Map.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> header(String jwt) {
        try {
            return JSON.readValue(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), Map.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean verifies(String jwt, PublicKey key) {
        try {
            String[] parts = jwt.split("\\.");
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return rsa.verify(Base64.getUrlDecoder().decode(parts[2]));
        } catch (Exception e) {
            return false;
        }
    }

    /** The RSA key of a JWK ({@code n}, {@code e}). */
    public static PublicKey publicKey(Map<String, Object> jwk) {
        try {
            BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode((String) jwk.get("n")));
            BigInteger e = new BigInteger(1, Base64.getUrlDecoder().decode((String) jwk.get("e")));
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    public static PrivateKey readPrivateKey(String pemPath) {
        try {
            String body = Files.readString(Path.of(pemPath)).replaceAll("-----(BEGIN|END)[A-Z ]+-----", "")
                    .replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                    .decode(body)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(Object value) {
        try {
            return B64.encodeToString(JSON.writeValueAsBytes(value));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
