package org.crosstenant.stack.infra;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the real Keycloak from the dist tarball with the demo realms: every demo account and partner client gets a
 * token with the claims the gateway relies on, wrong credentials are refused, and stopping leaves no process behind.
 * A second start on the same home directory must reuse the unpacked and built server and the imported realms.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakServerTest {

    @TempDir
    static Path home;

    static KeycloakServer keycloak;
    static Duration firstReady;

    @BeforeAll
    static void start() {
        long t0 = System.nanoTime();
        keycloak = KeycloakServer.builder(KeycloakServer.defaultDistArchive(), home).start();
        firstReady = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("Keycloak first start (unpack + build + boot + import): %d ms (boot %d ms), JVM RSS %d MiB%n",
                firstReady.toMillis(), keycloak.startupTime().toMillis(), keycloak.jvmResidentKib() / 1024);
    }

    @AfterAll
    static void stop() {
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @Test
    @Order(1)
    void firstStartUnpacksBuildsAndImportsTheDemoRealms() {
        assertEquals(new KeycloakServer.Preparation(true, true, false), keycloak.preparation());
        assertEquals(List.of("contoso", "fabrikam"), keycloak.realms());
        assertTrue(Files.isRegularFile(home.resolve("data/import/contoso-realm.json")));
        assertTrue(keycloak.jvm().isPresent(), "the Keycloak JVM runs");
        assertTrue(Files.isRegularFile(keycloak.logFile()));
    }

    @ParameterizedTest(name = "{1}@{0}")
    @Order(2)
    @CsvSource({
            "contoso, alice, collab-admin",
            "contoso, dave, collab-auditor",
            "fabrikam, frank, collab-admin",
            "fabrikam, erin, collab-auditor",
            "fabrikam, bob, ",
            "fabrikam, carol, "
    })
    void everyDemoAccountGetsAGatewayToken(String realm, String user, String role) {
        String token = KeycloakTokens.passwordGrant(keycloak.issuerUrl(realm), "crosstenant-cli", user, user + "-password");
        JsonNode claims = KeycloakTokens.claims(token);

        assertEquals("http://127.0.0.1:" + keycloak.port() + "/realms/" + realm, claims.path("iss").asText());
        assertTrue(audience(claims).contains("crosstenant-gateway"), "aud " + claims.get("aud"));
        assertEquals(user, claims.path("preferred_username").asText());
        assertEquals(user + "@" + realm + ".example", claims.path("email").asText());
        assertTrue(claims.path("email_verified").asBoolean());
        List<String> roles = roles(claims);
        List<String> collabRoles = roles.stream().filter(r -> r.startsWith("collab-")).toList();
        assertEquals(role == null ? List.of() : List.of(role), collabRoles, "realm roles " + roles);
        assertTrue(roles.contains("default-roles-" + realm), "realm_access.roles present for everyone: " + roles);
        long lifetime = claims.path("exp").asLong() - claims.path("iat").asLong();
        assertTrue(lifetime == 300 || lifetime == 600, "access token lifetime " + lifetime);
    }

    @ParameterizedTest(name = "{1}")
    @Order(3)
    @CsvSource({"fabrikam, fabrikam-partner", "contoso, contoso-partner"})
    void partnerClientsGetTokensWithThePartnerRole(String realm, String client) {
        String token = KeycloakTokens.clientCredentials(keycloak.issuerUrl(realm), client, client + "-secret");
        JsonNode claims = KeycloakTokens.claims(token);

        assertEquals(keycloak.issuerUrl(realm), claims.path("iss").asText());
        assertTrue(audience(claims).contains("crosstenant-gateway"), "aud " + claims.get("aud"));
        assertEquals(client, claims.path("azp").asText());
        assertEquals("service-account-" + client, claims.path("preferred_username").asText());
        assertTrue(roles(claims).contains("collab-partner"), "roles " + roles(claims));
        assertFalse(roles(claims).contains("collab-admin"));
    }

    @Test
    @Order(4)
    void wrongCredentialsAreRefused() {
        KeycloakTokens.TokenRequestException wrongPassword = assertThrows(KeycloakTokens.TokenRequestException.class,
                () -> KeycloakTokens.passwordGrant(keycloak.issuerUrl("fabrikam"), "crosstenant-cli", "bob", "wrong"));
        assertEquals(400, wrongPassword.status(), wrongPassword.getMessage());
        assertEquals("invalid_grant", wrongPassword.error());

        // a user exists only in their own tenant's realm
        KeycloakTokens.TokenRequestException otherRealm = assertThrows(KeycloakTokens.TokenRequestException.class,
                () -> KeycloakTokens.passwordGrant(keycloak.issuerUrl("contoso"), "crosstenant-cli", "frank", "frank-password"));
        assertEquals("invalid_grant", otherRealm.error());

        KeycloakTokens.TokenRequestException wrongSecret = assertThrows(KeycloakTokens.TokenRequestException.class,
                () -> KeycloakTokens.clientCredentials(keycloak.issuerUrl("fabrikam"), "fabrikam-partner", "guess"));
        assertEquals(401, wrongSecret.status(), wrongSecret.getMessage());
    }

    @Test
    @Order(5)
    void eachClientAllowsOnlyItsOwnGrant() {
        KeycloakTokens.TokenRequestException cliAsService = assertThrows(KeycloakTokens.TokenRequestException.class,
                () -> KeycloakTokens.clientCredentials(keycloak.issuerUrl("contoso"), "crosstenant-cli", "x"));
        assertEquals("unauthorized_client", cliAsService.error(), cliAsService.getMessage());

        KeycloakTokens.TokenRequestException partnerAsUser = assertThrows(KeycloakTokens.TokenRequestException.class,
                () -> KeycloakTokens.passwordGrant(keycloak.issuerUrl("fabrikam"), "fabrikam-partner", "bob", "bob-password"));
        assertEquals("unauthorized_client", partnerAsUser.error(), partnerAsUser.getMessage());
    }

    /** Step-up (RFC 9470 at the gateway): acr "mfa" only after a correct TOTP, "password" without one. */
    @Test
    @Order(6)
    void bobGetsTheMfaAcrOnlyWithACorrectOneTimeCode() {
        String issuer = keycloak.issuerUrl("fabrikam");
        JsonNode plain = KeycloakTokens.claims(KeycloakTokens.passwordGrant(issuer, "crosstenant-cli", "bob",
                "bob-password"));
        assertEquals("password", plain.path("acr").asText(), "no one-time code, no MFA even for a user who has one");
        assertEquals(List.of("engineering"), StreamSupport.stream(plain.path("groups").spliterator(), false)
                .map(JsonNode::asText).toList(), "group membership is in the groups claim, by name");

        KeycloakTokens.TokenRequestException noCode = assertThrows(KeycloakTokens.TokenRequestException.class,
                () -> KeycloakTokens.passwordGrant(issuer, "crosstenant-cli-mfa", "bob", "bob-password"));
        assertEquals("invalid_grant", noCode.error(), noCode.getMessage());
        String right = Totp.code(Totp.BOB_SECRET, java.time.Instant.now());
        String wrong = (char) ('0' + (right.charAt(0) - '0' + 1) % 10) + right.substring(1);
        KeycloakTokens.TokenRequestException wrongCode = assertThrows(KeycloakTokens.TokenRequestException.class,
                () -> KeycloakTokens.passwordAndOtpGrant(issuer, "crosstenant-cli-mfa", "bob", "bob-password", wrong));
        assertEquals("invalid_grant", wrongCode.error(), wrongCode.getMessage());

        JsonNode stepped = KeycloakTokens.claims(KeycloakTokens.passwordAndOtpGrant(issuer, "crosstenant-cli-mfa",
                "bob", "bob-password", Totp.code(Totp.BOB_SECRET, java.time.Instant.now())));
        assertEquals("mfa", stepped.path("acr").asText());
        assertTrue(audience(stepped).contains("crosstenant-gateway"), "aud " + stepped.get("aud"));
    }

    @Test
    @Order(10)
    void stopLeavesNoProcessAndASecondStartReusesTheHome() throws Exception {
        List<ProcessHandle> tree = new ArrayList<>(keycloak.process().descendants().toList());
        tree.add(keycloak.process());
        assertTrue(tree.size() >= 3, "the orphan guard, kc.sh and its JVM: " + tree);
        long unpackedAt = Files.getLastModifiedTime(home.resolve(KeycloakServer.UNPACKED_MARKER)).toMillis();

        keycloak.close();
        assertTrue(tree.stream().noneMatch(ProcessHandle::isAlive), "left alive: "
                + tree.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList());
        assertFalse(FreePorts.inUse(keycloak.port()), "port released");

        long t0 = System.nanoTime();
        keycloak = KeycloakServer.builder(KeycloakServer.defaultDistArchive(), home).start();
        Duration secondReady = Duration.ofNanos(System.nanoTime() - t0);
        long rssKib = keycloak.jvmResidentKib();
        System.out.printf("Keycloak second start (home reused): %d ms, JVM RSS %d MiB; first start was %d ms%n",
                secondReady.toMillis(), rssKib / 1024, firstReady.toMillis());

        assertEquals(new KeycloakServer.Preparation(false, false, false), keycloak.preparation());
        assertEquals(unpackedAt, Files.getLastModifiedTime(home.resolve(KeycloakServer.UNPACKED_MARKER)).toMillis());
        assertTrue(Files.readString(keycloak.logFile()).contains("Realm 'contoso' already exists"),
                "the realms come from the kept H2 database");
        assertTrue(rssKib > 0 && rssKib < 1_500_000, "RSS " + rssKib + " KiB");
        JsonNode claims = KeycloakTokens.claims(
                KeycloakTokens.passwordGrant(keycloak.issuerUrl("contoso"), "crosstenant-cli", "alice", "alice-password"));
        assertTrue(roles(claims).contains("collab-admin"));

        // a launcher that goes away without stopping it (killed while Keycloak was still starting, say) takes it
        // along: however the launcher ends, its end of the stdin pipe closes, and the orphan guard stops Keycloak
        ProcessHandle jvm = keycloak.jvm().orElseThrow();
        keycloak.closeLauncherPipe();
        jvm.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertFalse(jvm.isAlive(), "Keycloak JVM stopped once its launcher's pipe closed");
        keycloak.close();
        assertFalse(keycloak.process().isAlive(), "the guard and kc.sh stopped");
        assertFalse(FreePorts.inUse(keycloak.port()), "port released");
    }

    private static List<String> audience(JsonNode claims) {
        JsonNode aud = claims.path("aud");
        return aud.isArray() ? StreamSupport.stream(aud.spliterator(), false).map(JsonNode::asText).toList()
                : List.of(aud.asText());
    }

    private static List<String> roles(JsonNode claims) {
        return StreamSupport.stream(claims.path("realm_access").path("roles").spliterator(), false)
                .map(JsonNode::asText).toList();
    }
}
