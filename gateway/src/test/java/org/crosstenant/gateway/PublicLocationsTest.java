package org.crosstenant.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.crosstenant.gateway.config.EdgeConfig;
import org.crosstenant.gateway.config.GatewayConfig;
import org.crosstenant.gateway.rest.PublicLocations;
import org.junit.jupiter.api.Test;

/** Which Location values are rewritten onto the gateway's public URL, and which are left alone. */
class PublicLocationsTest {

    private static final String PUBLIC = "https://collab.example";
    private final PublicLocations locations = new PublicLocations(edge(Optional.of(PUBLIC + "/")), gateway());

    @Test
    void serviceAddressesBecomeThePublicUrl() {
        assertEquals(PUBLIC + "/api/v1/invitations/42", locations.forService("http://127.0.0.1:8081/api/v1/invitations/42",
                PUBLIC));
        assertEquals(PUBLIC + "/api/v1/audit/records?after=3#x",
                locations.forService("http://127.0.0.1:8081/api/v1/audit/records?after=3#x", PUBLIC));
        // any scheme on a service's host:port; a service mounted under a path loses that path
        assertEquals(PUBLIC + "/api/v1/tenants/c/applications/a",
                locations.forService("https://policy.internal:9443/policy/api/v1/tenants/c/applications/a", PUBLIC));
        assertEquals(PUBLIC + "/x", locations.forService("http://AUDIT.internal/x", PUBLIC)); // default port 80
    }

    @Test
    void otherLocationsAreLeftAlone() {
        assertEquals("/api/v1/invitations/42", locations.forService("/api/v1/invitations/42", PUBLIC));
        assertEquals("https://idp.example/realms/x", locations.forService("https://idp.example/realms/x", PUBLIC));
        assertEquals("http://127.0.0.1:9999/x", locations.forService("http://127.0.0.1:9999/x", PUBLIC));
        assertEquals("not a uri ^", locations.forService("not a uri ^", PUBLIC));
    }

    @Test
    void applicationLocationsMapUnderTheirPrefixOnlyBelowTheUpstreamPath() {
        String prefix = PUBLIC + "/apps/contoso/projects";
        String upstream = "http://app.internal:8000/projects";
        assertEquals(prefix + "/boards/1?x=1", locations.forApplication("http://app.internal:8000/projects/boards/1?x=1",
                upstream, prefix));
        assertEquals(prefix, locations.forApplication("http://app.internal:8000/projects", upstream, prefix));
        assertEquals(prefix + "/login", locations.forApplication("/projects/login", upstream, prefix));
        // not below the registered path: no gateway URL can stand for it
        assertEquals("http://app.internal:8000/projectsX/1",
                locations.forApplication("http://app.internal:8000/projectsX/1", upstream, prefix));
        assertEquals("/other", locations.forApplication("/other", upstream, prefix));
        assertEquals("https://elsewhere.example/projects/1",
                locations.forApplication("https://elsewhere.example/projects/1", upstream, prefix));
        assertEquals(prefix + "/a", locations.forApplication("http://root.internal/a", "http://root.internal",
                prefix));
    }

    private static EdgeConfig edge(Optional<String> publicUrl) {
        return new EdgeConfig() {
            public Optional<String> publicUrl() { return publicUrl; }
            public Duration oidcJwkRefreshInterval() { return Duration.ofSeconds(1); }
            public View view() { return () -> Duration.ofSeconds(1); }
        };
    }

    private static GatewayConfig gateway() {
        return new GatewayConfig() {
            public List<String> tenants() { return List.of(); }
            public String oidcBaseUrl() { return ""; }
            public String oidcAudience() { return ""; }
            public SigningKey signingKey() { return null; }
            public FederatedToken federatedToken() { return null; }
            public Proxy proxy() { return null; }
            public Services services() {
                return new Services() {
                    public String invitationUrl() { return "http://127.0.0.1:8081"; }
                    public String policyUrl() { return "https://policy.internal:9443/policy"; }
                    public String auditUrl() { return "http://audit.internal"; }
                };
            }
        };
    }
}
