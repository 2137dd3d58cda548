package org.crosstenant.stack.infra.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Rs256JwtTest {

    private static final KeyPair KEYS = RsaKeys.generate();
    private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);

    @TempDir
    Path dir;

    @Test
    void signedClaimsComeBackFromVerify() {
        String jwt = Rs256Jwt.sign(claims(NOW.plusSeconds(60)), KEYS.getPrivate(), "k1");
        Map<String, Object> claims = Rs256Jwt.verify(jwt, KEYS.getPublic(), NOW);
        assertEquals("alice", claims.get("sub"));
        assertEquals("contoso", claims.get("tenant"));
        assertEquals(List.of("inviter", "admin"), claims.get("groups"));
        assertEquals(Map.of("alg", "RS256", "typ", "JWT", "kid", "k1"), Rs256Jwt.header(jwt));
    }

    @Test
    void aTamperedPayloadFailsTheSignatureCheck() {
        String jwt = Rs256Jwt.sign(claims(NOW.plusSeconds(60)), KEYS.getPrivate(), "k1");
        String[] parts = jwt.split("\\.");
        String forged = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("contoso", "fabrikam");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(forged.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertNotEquals(jwt, tampered);
        var e = assertThrows(Rs256Jwt.InvalidTokenException.class, () -> Rs256Jwt.verify(tampered, KEYS.getPublic(), NOW));
        assertEquals("bad signature", e.getMessage());
    }

    @Test
    void anotherKeysSignatureIsRefused() {
        String jwt = Rs256Jwt.sign(claims(NOW.plusSeconds(60)), RsaKeys.generate().getPrivate(), "other");
        assertThrows(Rs256Jwt.InvalidTokenException.class, () -> Rs256Jwt.verify(jwt, KEYS.getPublic(), NOW));
    }

    @Test
    void expiredAndUnexpiringTokensAreRefused() {
        String jwt = Rs256Jwt.sign(claims(NOW.plusSeconds(60)), KEYS.getPrivate(), "k1");
        Rs256Jwt.verify(jwt, KEYS.getPublic(), NOW.plusSeconds(59));
        var e = assertThrows(Rs256Jwt.InvalidTokenException.class,
                () -> Rs256Jwt.verify(jwt, KEYS.getPublic(), NOW.plusSeconds(60)));
        assertTrue(e.getMessage().startsWith("expired"), e.getMessage());

        Map<String, Object> noExp = claims(NOW);
        noExp.remove("exp");
        String unexpiring = Rs256Jwt.sign(noExp, KEYS.getPrivate(), "k1");
        assertThrows(Rs256Jwt.InvalidTokenException.class, () -> Rs256Jwt.verify(unexpiring, KEYS.getPublic(), NOW));
    }

    @Test
    void algNoneAndGarbageAreRefused() {
        String header = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String body = Rs256Jwt.sign(claims(NOW.plusSeconds(60)), KEYS.getPrivate(), null).split("\\.")[1];
        assertThrows(Rs256Jwt.InvalidTokenException.class,
                () -> Rs256Jwt.verify(header + "." + body + ".", KEYS.getPublic(), NOW));
        assertThrows(Rs256Jwt.InvalidTokenException.class, () -> Rs256Jwt.verify("a.b", KEYS.getPublic(), NOW));
        assertThrows(Rs256Jwt.InvalidTokenException.class, () -> Rs256Jwt.verify("!!.??.**", KEYS.getPublic(), NOW));
    }

    @Test
    void pemFilesRoundTripAndVerifyTokens() throws Exception {
        Path privateFile = dir.resolve("keys/private.pem");
        Path publicFile = dir.resolve("keys/public.pem");
        RsaKeys.writePrivatePem(KEYS.getPrivate(), privateFile);
        RsaKeys.writePublicPem(KEYS.getPublic(), publicFile);
        assertTrue(Files.readString(privateFile).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertTrue(Files.readString(publicFile).startsWith("-----BEGIN PUBLIC KEY-----\n"));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(privateFile)), "the private key is its owner's only");
        RsaKeys.writePrivatePem(KEYS.getPrivate(), privateFile); // again, over the existing file
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(privateFile)));

        String jwt = Rs256Jwt.sign(claims(NOW.plusSeconds(60)), RsaKeys.readPrivatePem(privateFile), "k1");
        assertEquals("alice", Rs256Jwt.verify(jwt, RsaKeys.readPublicPem(publicFile), NOW).get("sub"));
        assertEquals(KEYS.getPublic(), RsaKeys.readPublicPem(publicFile));
        assertEquals(RsaKeys.keyId(KEYS.getPublic()), RsaKeys.keyId(RsaKeys.readPublicPem(publicFile)));
    }

    private static Map<String, Object> claims(Instant exp) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", "crosstenant-gateway");
        claims.put("sub", "alice");
        claims.put("tenant", "contoso");
        claims.put("groups", List.of("inviter", "admin"));
        claims.put("iat", NOW.getEpochSecond());
        claims.put("exp", exp.getEpochSecond());
        return claims;
    }
}
