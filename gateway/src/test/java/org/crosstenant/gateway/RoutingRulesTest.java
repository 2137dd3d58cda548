package org.crosstenant.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.crosstenant.gateway.config.GatewayConfig;
import org.crosstenant.gateway.service.ServiceRoutes;
import org.junit.jupiter.api.Test;

/** Which service owns which /api path (docs/api.md). */
class RoutingRulesTest {

    private final ServiceRoutes routes = new ServiceRoutes(config());

    @Test
    void pathsGoToTheirOwningService() {
        assertEquals(Optional.of("inv"), routes.baseUrlFor("/api/v1/invitations"));
        assertEquals(Optional.of("inv"), routes.baseUrlFor("/api/v1/invitations/1/redeem"));
        assertEquals(Optional.of("pol"), routes.baseUrlFor("/api/v1/tenants/contoso/applications/x"));
        assertEquals(Optional.of("pol"), routes.baseUrlFor("/api/v1/tenants/contoso/access-settings/partners/f"));
        assertEquals(Optional.of("aud"), routes.baseUrlFor("/api/v1/audit/records"));
        assertEquals(Optional.of("aud"), routes.baseUrlFor("/api/v1/audit/stream"));
    }

    @Test
    void anythingElseIsUnknown() {
        for (String path : List.of("/api/v1/invitationsX", "/api/v1/tenants//applications", "/api/v1/tenants/c/x",
                "/api/v2/invitations", "/api/v1/auditor", "/api", "/api/v1")) {
            assertTrue(routes.baseUrlFor(path).isEmpty(), path);
        }
    }

    private static GatewayConfig config() {
        return new GatewayConfig() {
            public List<String> tenants() { return List.of(); }
            public String oidcBaseUrl() { return ""; }
            public String oidcAudience() { return ""; }
            public SigningKey signingKey() { return null; }
            public FederatedToken federatedToken() { return null; }
            public Proxy proxy() { return null; }
            public Services services() {
                return new Services() {
                    public String invitationUrl() { return "inv"; }
                    public String policyUrl() { return "pol"; }
                    public String auditUrl() { return "aud"; }
                };
            }
        };
    }

}
