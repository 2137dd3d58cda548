package org.crosstenant.stack.infra.testing;

import org.crosstenant.stack.infra.Directories;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.crosstenant.stack.infra.jwt.Rs256Jwt;
import org.crosstenant.stack.infra.jwt.RsaKeys;

/**
 * Federated identity tokens as the gateway sends them to the services (see docs/api.md), signed with the test key pair
 * that {@link FederatedIdentityTestResource} configures the services to trust.
 */
public final class FederatedTokens {

    public static final String ISSUER = "crosstenant-gateway";
    public static final String AUDIENCE = "crosstenant-services";
    public static final Duration LIFETIME = Duration.ofSeconds(60);
    /** Where the key pair's PEM files are published, so every class loader of the test JVM signs with the same key. */
    public static final String PRIVATE_KEY_PROPERTY = "crosstenant.test.jwt.private-key";
    public static final String PUBLIC_KEY_PROPERTY = "crosstenant.test.jwt.public-key";

    private static Keys loaded;

    private FederatedTokens() {
    }

    /** A token valid for 60 s for {@code subject} (the subject at home, claim {@code home_sub}) of {@code tenant}, with {@code roles} as the {@code groups} claim. */
    public static String token(String tenant, String subject, String email, String... roles) {
        return sign(claims(tenant, subject, email, roles));
    }

    /** The standard claims of {@link #token}, to alter (e.g. drop a claim, change the audience) before {@link #sign}. */
    public static Map<String, Object> claims(String tenant, String subject, String email, String... roles) {
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("aud", AUDIENCE);
        // as the gateway: sub is opaque and unique under the issuer, the subject at home is home_sub (services key
        // parties on tenant + home_sub; this stand-in value proves they never read sub)
        claims.put("sub", "federated:" + tenant + ":" + subject);
        claims.put("home_sub", subject);
        claims.put("tenant", tenant);
        claims.put("issuer", "http://127.0.0.1/realms/" + tenant);
        if (email != null) {
            claims.put("email", email); // as the gateway: only an address the home tenant vouches for, marked so
            claims.put("email_verified", true);
        }
        claims.put("groups", List.of(roles));
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(LIFETIME).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        return claims;
    }

    /** Signs arbitrary claims with the trusted test key (for tests of expired or malformed tokens). */
    public static String sign(Map<String, ?> claims) {
        Keys keys = keys();
        return Rs256Jwt.sign(claims, keys.privateKey(), keys.keyId());
    }

    /** The JVM's test key pair: generated and written to temp PEM files on first use, read back by later loaders. */
    static synchronized Keys keys() {
        if (loaded != null) {
            return loaded;
        }
        synchronized (System.getProperties()) { // the one lock every class loader of this JVM shares
            String privatePath = JvmShared.get(PRIVATE_KEY_PROPERTY);
            String publicPath = JvmShared.get(PUBLIC_KEY_PROPERTY);
            if (privatePath == null || publicPath == null) {
                JvmShared.sweepStaleDirs("crosstenant-jwt");
                Path dir = JvmShared.ownedTempDir("crosstenant-jwt");
                KeyPair pair = RsaKeys.generate();
                Path privatePem = dir.resolve("federated-private.pem");
                Path publicPem = dir.resolve("federated-public.pem");
                RsaKeys.writePrivatePem(pair.getPrivate(), privatePem);
                RsaKeys.writePublicPem(pair.getPublic(), publicPem);
                JvmShared.onJvmExit("crosstenant-jwt-keys-delete", () -> Directories.deleteQuietly(dir));
                JvmShared.set(PRIVATE_KEY_PROPERTY, privatePem.toString());
                JvmShared.set(PUBLIC_KEY_PROPERTY, publicPem.toString());
                privatePath = privatePem.toString();
                publicPath = publicPem.toString();
            }
            PrivateKey privateKey = RsaKeys.readPrivatePem(Path.of(privatePath));
            loaded = new Keys(privateKey, Path.of(publicPath),
                    RsaKeys.keyId(RsaKeys.readPublicPem(Path.of(publicPath))));
            return loaded;
        }
    }

    record Keys(PrivateKey privateKey, Path publicPem, String keyId) {
    }
}
