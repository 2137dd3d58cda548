package org.crosstenant.stack.infra;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The home-directory bookkeeping that decides when Keycloak's H2 database must be wiped to re-import the realms. */
class KeycloakHomeTest {

    @TempDir
    Path home;

    private static KeycloakServer.Realm realm(String name, String extra) {
        String json = "{\"realm\":\"" + name + "\",\"enabled\":true" + extra + "}";
        return KeycloakServer.readRealm(name, json.getBytes(StandardCharsets.UTF_8));
    }

    private void fakeDatabase() throws Exception {
        Files.createDirectories(home.resolve("data/h2"));
        Files.writeString(home.resolve("data/h2/keycloakdb.mv.db"), "db");
    }

    @Test
    void keepsTheDatabaseWhileTheRealmFilesAreUnchanged() throws Exception {
        List<KeycloakServer.Realm> realms = List.of(realm("contoso", ""), realm("fabrikam", ""));
        assertFalse(KeycloakServer.prepareData(home, realms, false), "nothing to wipe yet");
        fakeDatabase();

        assertFalse(KeycloakServer.prepareData(home, realms, false));
        assertTrue(Files.exists(home.resolve("data/h2/keycloakdb.mv.db")));
        assertTrue(Files.isRegularFile(home.resolve("data/import/contoso-realm.json")));
        assertTrue(Files.isRegularFile(home.resolve("data/import/fabrikam-realm.json")));
    }

    @Test
    void wipesTheDatabaseWhenARealmFileChanged() throws Exception {
        KeycloakServer.prepareData(home, List.of(realm("contoso", "")), false);
        fakeDatabase();

        assertTrue(KeycloakServer.prepareData(home, List.of(realm("contoso", ",\"sslRequired\":\"none\"")), false));
        assertFalse(Files.exists(home.resolve("data/h2")));
    }

    @Test
    void wipesOnRequestAndDropsRealmsNoLongerGiven() throws Exception {
        KeycloakServer.prepareData(home, List.of(realm("contoso", ""), realm("fabrikam", "")), false);
        fakeDatabase();
        Files.writeString(home.resolve("data/import/stale-realm.json"), "{}");

        assertTrue(KeycloakServer.prepareData(home, List.of(realm("contoso", ""), realm("fabrikam", "")), true));
        assertFalse(Files.exists(home.resolve("data/h2")));
        assertFalse(Files.exists(home.resolve("data/import/stale-realm.json")));
    }

    @Test
    void oneKeycloakPerHomeDirectory() throws Exception {
        KeycloakServer.HomeLock first = KeycloakServer.HomeLock.acquire(home);
        IllegalStateException busy = assertThrows(IllegalStateException.class, () -> KeycloakServer.HomeLock.acquire(home));
        assertTrue(busy.getMessage().contains("in use"), busy.getMessage());
        first.close();
        KeycloakServer.HomeLock.acquire(home).close();
    }

    @Test
    void realmFilesNeedARealmName() {
        assertThrows(IllegalArgumentException.class,
                () -> KeycloakServer.readRealm("x", "{\"enabled\":true}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
                () -> KeycloakServer.readRealm("x", "not json".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void demoRealmsAreOnTheClasspathWithTheirNames() {
        List<String> names = KeycloakServer.DEMO_REALMS.stream().map(r -> {
            try (var in = KeycloakServer.class.getClassLoader().getResourceAsStream(r)) {
                return KeycloakServer.readRealm(r, in.readAllBytes()).name();
            } catch (Exception e) {
                throw new AssertionError(r, e);
            }
        }).toList();
        assertEquals(List.of("contoso", "fabrikam"), names);
    }

    @Test
    void readsTheJavaFeatureVersionFromAJdkReleaseFile() throws Exception {
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"25.0.1\"\n");
        assertEquals(25, KeycloakServer.javaFeatureVersion(home));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"1.8.0_402\"\n");
        assertEquals(8, KeycloakServer.javaFeatureVersion(home));
        assertEquals(0, KeycloakServer.javaFeatureVersion(home.resolve("missing")));
        assertTrue(KeycloakServer.javaFeatureVersion(KeycloakServer.defaultJavaHome()) >= 17);
    }
}
