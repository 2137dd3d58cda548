package org.crosstenant.stack.infra.jwt;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Compact RS256 JWTs with nothing but the JDK and Jackson: enough for the gateway's federated token and for tests,
 * without pulling a JOSE library onto every classpath.
 */
public final class Rs256Jwt {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private Rs256Jwt() {
    }

    /** Any reason a token is not accepted: malformed, wrong algorithm, bad signature, expired. */
    public static final class InvalidTokenException extends RuntimeException {
        public InvalidTokenException(String message) {
            super(message);
        }

        public InvalidTokenException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Signs the claims (numeric dates such as exp/iat as epoch seconds) with header {alg RS256, typ JWT, kid}. */
    public static String sign(Map<String, ?> claims, PrivateKey key, String kid) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("typ", "JWT");
        if (kid != null) {
            header.put("kid", kid);
        }
        String signingInput = B64.encodeToString(json(header)) + "." + B64.encodeToString(json(claims));
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key);
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign JWT", e);
        }
    }

    /** Checks algorithm, signature and {@code exp} (and {@code nbf} if present) against the current time. */
    public static Map<String, Object> verify(String jwt, PublicKey key) {
        return verify(jwt, key, Instant.now());
    }

    /**
     * As {@link #verify(String, PublicKey)}, at the given instant. Issuer and audience are the caller's business; the
     * returned claims keep JSON types (numbers as Integer/Long, arrays as List).
     */
    public static Map<String, Object> verify(String jwt, PublicKey key, Instant now) {
        if (jwt == null) {
            throw new InvalidTokenException("no token");
        }
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidTokenException("not a compact JWS");
        }
        Map<String, Object> header = parse(parts[0], "header");
        // the algorithm is fixed, never taken from the token: that closes alg:none and HS256-with-the-public-key
        if (!"RS256".equals(header.get("alg"))) {
            throw new InvalidTokenException("unsupported alg " + header.get("alg"));
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(decode(parts[2], "signature"))) {
                throw new InvalidTokenException("bad signature");
            }
        } catch (GeneralSecurityException e) {
            throw new InvalidTokenException("bad signature", e);
        }
        Map<String, Object> claims = parse(parts[1], "claims");
        long nowSeconds = now.getEpochSecond();
        Object exp = claims.get("exp");
        if (!(exp instanceof Number expiry)) {
            throw new InvalidTokenException("no exp claim");
        }
        if (nowSeconds >= expiry.longValue()) {
            throw new InvalidTokenException("expired at " + Instant.ofEpochSecond(expiry.longValue()));
        }
        if (claims.get("nbf") instanceof Number notBefore && nowSeconds < notBefore.longValue()) {
            throw new InvalidTokenException("not valid before " + Instant.ofEpochSecond(notBefore.longValue()));
        }
        return claims;
    }

    /** The header of a token, unverified (e.g. to pick a key by kid). */
    public static Map<String, Object> header(String jwt) {
        int dot = jwt == null ? -1 : jwt.indexOf('.');
        if (dot < 0) {
            throw new InvalidTokenException("not a compact JWS");
        }
        return parse(jwt.substring(0, dot), "header");
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("claims are not JSON-serialisable", e);
        }
    }

    private static Map<String, Object> parse(String part, String what) {
        try {
            Map<String, Object> map = JSON.readValue(decode(part, what), MAP);
            if (map == null) {
                throw new InvalidTokenException(what + " is not a JSON object");
            }
            return map;
        } catch (java.io.IOException e) {
            throw new InvalidTokenException(what + " is not a JSON object", e);
        }
    }

    private static byte[] decode(String part, String what) {
        try {
            return B64D.decode(part);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException(what + " is not base64url", e);
        }
    }
}
