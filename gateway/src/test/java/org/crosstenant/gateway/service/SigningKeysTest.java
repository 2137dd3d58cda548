package org.crosstenant.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.crosstenant.gateway.support.Jwts;
import org.crosstenant.stack.infra.jwt.RsaKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's JWKS during a key rotation (docs/operations.md): it signs with one key and publishes that key first,
 * then every configured additional public key once, so a verifier that picks by {@code kid} accepts tokens of either.
 */
class SigningKeysTest {

    @TempDir
    Path dir;

    @Test
    void theJwksListsTheSigningKeyFirstThenTheAdditionalKeyAndATokenOfEitherVerifiesWithItsMember() {
        KeyPair current = RsaKeys.generate();
        KeyPair next = RsaKeys.generate();
        SigningKeys keys = SigningKeys.load(privatePem("current", current), publicPem("current", current),
                List.of(publicPem("next", next)));

        List<Map<String, String>> jwks = keys.publishedJwks();
        assertEquals(List.of(keys.keyId(), SigningKeys.thumbprint((RSAPublicKey) next.getPublic())),
                jwks.stream().map(jwk -> jwk.get("kid")).toList());
        for (Map<String, String> jwk : jwks) {
            assertEquals("RSA", jwk.get("kty"));
            assertEquals("RS256", jwk.get("alg"));
            assertEquals("sig", jwk.get("use"));
        }

        String byNext = Jwts.sign(next.getPrivate(), jwks.get(1).get("kid"), Map.of("sub", "x"));
        assertTrue(Jwts.verifies(byNext, Jwts.publicKey(new HashMap<>(jwks.get(1)))));
        assertFalse(Jwts.verifies(byNext, Jwts.publicKey(new HashMap<>(jwks.get(0)))),
                "each member is its own key: a next-key token does not verify with the current key");
    }

    @Test
    void withoutAdditionalKeysTheJwksHoldsTheSigningKeyOnly() {
        KeyPair current = RsaKeys.generate();
        SigningKeys keys = SigningKeys.load(privatePem("current", current), null);
        assertEquals(List.of(keys.keyId()), keys.publishedJwks().stream().map(jwk -> jwk.get("kid")).toList());
        assertEquals(keys.publicJwk(), keys.publishedJwks().get(0));
    }

    @Test
    void aKeyListedTwiceOrEqualToTheSigningKeyIsPublishedOnce() {
        KeyPair current = RsaKeys.generate();
        KeyPair next = RsaKeys.generate();
        String nextPem = publicPem("next", next);
        SigningKeys keys = SigningKeys.load(privatePem("current", current), null,
                List.of(publicPem("current", current), nextPem, "file:" + nextPem));
        assertEquals(2, keys.publishedJwks().size());
        assertEquals(keys.keyId(), keys.publishedJwks().get(0).get("kid"));
    }

    @Test
    void anAdditionalLocationThatIsNoPublicKeyFailsTheStartNamingIt() {
        KeyPair current = RsaKeys.generate();
        String privatePem = privatePem("current", current);
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> SigningKeys.load(privatePem, null, List.of(privatePem)));
        assertTrue(String.valueOf(refused.getCause()).contains(privatePem), String.valueOf(refused.getCause()));
    }

    private String privatePem(String name, KeyPair pair) {
        Path file = dir.resolve(name + "-private.pem");
        RsaKeys.writePrivatePem(pair.getPrivate(), file);
        return file.toString();
    }

    private String publicPem(String name, KeyPair pair) {
        Path file = dir.resolve(name + "-public.pem");
        RsaKeys.writePublicPem(pair.getPublic(), file);
        return file.toString();
    }
}
