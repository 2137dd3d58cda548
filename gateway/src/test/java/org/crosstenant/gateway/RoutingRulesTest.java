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
        // issue #7: settings default, effective, history, partner DELETE; approval; tenant lists
        for (String policy : List.of("/api/v1/tenants/contoso/access-settings/default",
                "/api/v1/tenants/contoso/access-settings/default/history",
                "/api/v1/tenants/contoso/access-settings/partners/fabrikam",
                "/api/v1/tenants/contoso/access-settings/partners/fabrikam/effective",
                "/api/v1/tenants/contoso/access-settings/partners/fabrikam/history")) {
            assertEquals(Optional.of("pol"), routes.baseUrlFor(policy), policy);
        }
        for (String invitation : List.of("/api/v1/invitations/inv-1/approve", "/api/v1/invitations/inv-1/decline",
                "/api/v1/tenants/contoso/invitations", "/api/v1/tenants/contoso/grants")) {
            assertEquals(Optional.of("inv"), routes.baseUrlFor(invitation), invitation);
        }
        assertEquals(Optional.of("aud"), routes.baseUrlFor("/api/v1/audit/stream"));
    }

    @Test
    void sharedSignalsStreamsGoToInvitationServiceAndItsDocumentsArePublic() {
        // issue #8 bullet 7: a tenant's streams (authenticated, through /api) ...
        for (String path : List.of("/api/v1/tenants/contoso/ssf/streams",
                "/api/v1/tenants/fabrikam/ssf/streams/6f1c7f43-0d7e-4b8e-9a53-1f0c2c1d2e3f")) {
            assertEquals(Optional.of("inv"), routes.baseUrlFor(path), path);
        }
        for (String path : List.of("/api/v1/tenants/contoso/ssf", "/api/v1/tenants/contoso/ssf/streams/",
                "/api/v1/tenants/contoso/ssf/streams/x/y", "/api/v1/tenants/contoso/ssf/streamsX",
                "/api/v1/tenants/contoso/ssf/other")) {
            assertTrue(routes.baseUrlFor(path).isEmpty(), path);
        }
        // ... and the transmitter metadata and its keys (public, exactly these paths)
        assertEquals(Optional.of("inv"), routes.publicBaseUrlFor("/.well-known/ssf-configuration"));
        assertEquals(Optional.of("inv"), routes.publicBaseUrlFor("/.well-known/ssf/jwks.json"));
        // the audit log's checkpoint key (issue #9), exactly that path; the rest of the audit API is not public
        assertEquals(Optional.of("aud"), routes.publicBaseUrlFor("/api/v1/audit/checkpoint/key"));
        for (String path : List.of("/.well-known/jwks.json", "/.well-known/ssf", "/.well-known/ssf/other",
                "/api/v1/tenants/contoso/ssf/streams", "/api/v1/audit/checkpoint", "/api/v1/audit/checkpoint/key/",
                "/api/v1/audit/records/1/proof")) {
            assertTrue(routes.publicBaseUrlFor(path).isEmpty(), path);
        }
    }

    @Test
    void anythingElseIsUnknown() {
        for (String path : List.of("/api/v1/invitationsX", "/api/v1/tenants//applications", "/api/v1/tenants/c/x",
                "/api/v2/invitations", "/api/v1/auditor", "/api", "/api/v1", "/api/v1/tenants//invitations",
                "/api/v1/tenants/c/invitations/x", "/api/v1/tenants/c/grants/", "/api/v1/tenants/c/grantsX",
                "/api/v1/tenants/c/Invitations")) {
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
