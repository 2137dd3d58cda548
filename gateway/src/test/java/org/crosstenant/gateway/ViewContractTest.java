package org.crosstenant.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.crosstenant.gateway.model.AppRoute;
import org.crosstenant.gateway.model.GuestGrant;
import org.crosstenant.gateway.repository.LocalView;
import org.crosstenant.gateway.service.ViewUpdater;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Consumer side of the contract: the producers' own example events (read from their modules) must parse with the
 * gateway's consumer code, so a producer change that breaks the gateway fails this build.
 */
class ViewContractTest {

    private static final Path POLICY = Path.of("../policy-service/src/main/resources/events");
    private static final Path INVITATION = Path.of("../invitation-service/src/main/resources/events");

    // as Quarkus configures it: unknown fields are not an error (producers may add fields)
    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final LocalView view = new LocalView();
    private final ViewUpdater updater = new ViewUpdater(view, json);

    @Test
    void applicationRegisteredExampleBecomesARoute() throws Exception {
        String payload = example(POLICY, ViewUpdater.APPLICATION_REGISTERED);
        AppRoute route = updater.route(payload);
        assertFalse(route.tenant().isBlank());
        assertFalse(route.application().isBlank());
        assertTrue(route.upstreamUrl().startsWith("http"));
        assertTrue(updater.apply(ViewUpdater.APPLICATION_REGISTERED, payload));
        assertEquals(route, view.route(route.tenant(), route.application()).orElseThrow());
        assertTrue(updater.apply(ViewUpdater.APPLICATION_REGISTERED, payload), "applying twice is harmless");
        assertEquals(1, view.routeCount());
    }

    /** Issue #8: the producer's application-removed.v1 example removes the route its registration example made. */
    @Test
    void applicationRemovedExampleRemovesTheRoute() throws Exception {
        AppRoute route = updater.route(example(POLICY, ViewUpdater.APPLICATION_REGISTERED));
        updater.apply(ViewUpdater.APPLICATION_REGISTERED, example(POLICY, ViewUpdater.APPLICATION_REGISTERED));
        assertTrue(updater.apply(ViewUpdater.APPLICATION_REMOVED, example(POLICY, ViewUpdater.APPLICATION_REMOVED)));
        assertTrue(view.route(route.tenant(), route.application()).isEmpty(), "the examples name one application");
        assertEquals(0, view.routeCount());
    }

    @Test
    void redeemedThenRevokedExamplesGrantThenEndAccess() throws Exception {
        String redeemed = example(INVITATION, ViewUpdater.REDEEMED);
        GuestGrant grant = updater.grant(redeemed);
        Instant before = grant.expiresAt().minusSeconds(1);
        updater.apply(ViewUpdater.REDEEMED, redeemed);
        updater.apply(ViewUpdater.REDEEMED, redeemed);
        assertEquals(1, view.grantCount());
        assertTrue(view.activeGrant(grant.guestTenant(), grant.guestSubject(), grant.resourceTenant(),
                grant.application(), before).isPresent());
        assertTrue(view.activeGrant(grant.guestTenant(), grant.guestSubject(), grant.resourceTenant(),
                grant.application(), grant.expiresAt()).isEmpty(), "an expired grant admits no one");

        updater.apply(ViewUpdater.REVOKED, example(INVITATION, ViewUpdater.REVOKED));
        assertTrue(view.activeGrant(grant.guestTenant(), grant.guestSubject(), grant.resourceTenant(),
                grant.application(), before).isEmpty());
        updater.apply(ViewUpdater.REDEEMED, redeemed);
        assertEquals(0, view.grantCount(), "a late duplicate redeemed event does not resurrect a revoked grant");
    }

    @Test
    void expiredExampleEndsTheGrant() throws Exception {
        String redeemed = example(INVITATION, ViewUpdater.REDEEMED);
        updater.apply(ViewUpdater.REDEEMED, redeemed);
        updater.apply(ViewUpdater.EXPIRED, example(INVITATION, ViewUpdater.EXPIRED));
        assertEquals(0, view.grantCount());
    }

    /**
     * Issue #8: the grant keeps the invitee's address of redeemed.v1 and the pair keeps its effective invitation
     * domain list of access-settings-changed.v2 — the two inputs of the domain check at every guest request.
     */
    @Test
    void redeemedExampleKeepsTheInviteeAddressAndSettingsExampleItsDomainList() throws Exception {
        GuestGrant grant = updater.grant(example(INVITATION, ViewUpdater.REDEEMED));
        assertEquals("bob@fabrikam.example", grant.inviteeEmail());
        assertEquals("fabrikam.example", grant.inviteeDomain());
        assertTrue(updater.apply(ViewUpdater.SETTINGS_CHANGED_V2, example(POLICY, ViewUpdater.SETTINGS_CHANGED_V2)));
        var domains = view.effective("contoso", "fabrikam").invitationDomains();
        assertFalse(domains.admits("globex.example"), "the example's deny list");
        assertTrue(domains.admits("fabrikam.example"));
    }

    @Test
    void otherTypesAreIgnoredAndBrokenPayloadsRejected() throws Exception {
        assertFalse(updater.apply("org.crosstenant.invitation.requested.v1",
                example(INVITATION, "org.crosstenant.invitation.requested.v1")));
        assertThrows(IllegalArgumentException.class, () -> updater.apply(ViewUpdater.REDEEMED, "{\"invitationId\":1"));
        assertThrows(IllegalArgumentException.class,
                () -> updater.apply(ViewUpdater.APPLICATION_REGISTERED, "{\"tenant\":\"contoso\"}"));
    }

    /**
     * Every example any producer of the view topics ships (policy-service, invitation-service: new types such as
     * access-settings-changed.v2, approval-requested.v1 or declined.v1 included as soon as they exist) is either
     * applied or ignored by the gateway, never refused: a refused one would be dead-lettered in production.
     */
    @Test
    void everyProducerExampleIsAppliedOrIgnored() throws Exception {
        int examples = 0;
        for (Path dir : java.util.List.of(POLICY, INVITATION)) {
            try (var files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                    // <type>.json or <type>.<variant>.json (a second example of one type, e.g. approved.v1.by-admin.json)
                    String type = file.getFileName().toString().replaceFirst("^(.*?\\.v\\d+)(\\..*)?\\.json$", "$1");
                    updater.apply(type, Files.readString(file)); // throws for a refused one
                    examples++;
                }
            }
        }
        assertTrue(examples >= 9, "examples found: " + examples);
    }

    private static String example(Path dir, String type) throws Exception {
        return Files.readString(dir.resolve(type + ".json"));
    }
}
