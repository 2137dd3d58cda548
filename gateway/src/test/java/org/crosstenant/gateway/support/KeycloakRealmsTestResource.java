package org.crosstenant.gateway.support;

import java.nio.file.Path;
import java.util.Map;

import org.crosstenant.stack.infra.KeycloakServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The real Keycloak with the demo realms (deploy/infra: contoso and fabrikam, TOTP step-up, groups claim) as the
 * contoso and fabrikam OIDC tenants of the gateway, for the test class that declares it (restricted). The home
 * directory is kept under target/ so only the first run unpacks and builds Keycloak.
 */
public class KeycloakRealmsTestResource implements QuarkusTestResourceLifecycleManager {

    private KeycloakServer keycloak;

    @Override
    public Map<String, String> start() {
        keycloak = KeycloakServer.builder(KeycloakServer.defaultDistArchive(), Path.of("target/keycloak-home"))
                .start();
        return Map.of("quarkus.oidc.contoso.auth-server-url", keycloak.issuerUrl("contoso"),
                "quarkus.oidc.fabrikam.auth-server-url", keycloak.issuerUrl("fabrikam"),
                "test.keycloak.fabrikam", keycloak.issuerUrl("fabrikam"));
    }

    @Override
    public void stop() {
        if (keycloak != null) {
            keycloak.close();
        }
    }
}
