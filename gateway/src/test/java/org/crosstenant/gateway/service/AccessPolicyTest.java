package org.crosstenant.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.crosstenant.gateway.model.AccessDecision;
import org.crosstenant.gateway.model.FederatedIdentity;
import org.crosstenant.gateway.model.GuestGrant;
import org.crosstenant.gateway.repository.LocalView;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Access at /apps from the view's effective settings: guests re-checked, direct connect, MFA step-up. */
class AccessPolicyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALLOW_ALL = """
            {"usersAndGroups": {"access": "allowed", "targets": ["all"]},
             "applications": {"access": "allowed", "targets": ["all"]}}""";

    private final LocalView view = new LocalView();
    private final AccessPolicy policy = AccessPolicy.forTests(view, Map.of("fabrikam", List.of("mfa", "gold"),
            "contoso", List.of("mfa")));

    private static FederatedIdentity fabrikam(String subject, String email, List<String> groups, String acr,
            List<String> amr, boolean device) {
        return new FederatedIdentity("fabrikam", "https://idp/fabrikam", subject, email, List.of("collab-admin"), null,
                null, groups, acr, amr, device);
    }

    private final FederatedIdentity bob = fabrikam("f-bob", "bob@fabrikam.example", List.of("engineering"), "password",
            List.of(), false);

    private void settings(String tenant, String partner, String configuration) throws Exception {
        view.putSettings(tenant, partner, AccessSettingsReader.read(JSON.readTree(configuration)));
    }

    private void grant(String subject, String app) {
        view.putGrant(new GuestGrant("inv-" + subject, "contoso", app, "fabrikam", "https://idp/fabrikam", subject,
                null, Instant.now().plusSeconds(3600), subject.substring(2) + "@fabrikam.example"));
    }

    /** Direct connect and guest grants admit people; another tenant's partner system (a machine) is refused. */
    @Test
    void anotherTenantsPartnerSystemNeverReachesAnApplication() throws Exception {
        settings("contoso", null, "{\"inbound\": {\"directConnect\": " + ALLOW_ALL + "}}");
        settings("fabrikam", null, "{\"outbound\": {\"directConnect\": " + ALLOW_ALL + "}}");
        assertTrue(policy.decide(bob, "contoso", "projects", false).allowed(), "a person is admitted");
        FederatedIdentity partnerSystem = new FederatedIdentity("fabrikam", "https://idp/fabrikam", "svc-partner", null,
                List.of("collab-partner"), null, null, List.of(), null, List.of(), false);
        AccessDecision refused = policy.decide(partnerSystem, "contoso", "projects", false);
        assertFalse(refused.allowed());
        assertFalse(refused.isStepUp(), "no MFA challenge a machine could never answer");
        assertTrue(refused.reason().contains("partner systems"), refused.reason());
        // with a grant and collaboration open both ways a person gets in; the partner system still does not
        settings("contoso", null, "{\"inbound\": {\"directConnect\": " + ALLOW_ALL + ", \"collaboration\": "
                + ALLOW_ALL + "}}");
        settings("fabrikam", null, "{\"outbound\": {\"directConnect\": " + ALLOW_ALL + ", \"collaboration\": "
                + ALLOW_ALL + "}}");
        grant("f-bob", "projects");
        grant("svc-partner", "projects");
        AccessDecision bobAsGuest = policy.decide(bob, "contoso", "projects", false);
        assertTrue(bobAsGuest.allowed() && !bobAsGuest.directConnect(), "bob's grant admits him as a guest");
        AccessDecision withGrant = policy.decide(partnerSystem, "contoso", "projects", false);
        assertFalse(withGrant.allowed(), "not with a grant either");
        assertTrue(withGrant.reason().contains("partner systems"), withGrant.reason());
        // a tenant's own partner system is a member: the settings between tenants do not concern it
        FederatedIdentity own = new FederatedIdentity("contoso", "i", "svc", null, List.of("collab-partner"));
        assertTrue(policy.decide(own, "contoso", "projects", false).allowed());
    }

    /**
     * A client's own token (client credentials: no person) of another tenant is refused at any shared application,
     * whatever its roles, by direct connect and with a grant; a person of the same tenant gets in. The markers
     * themselves: {@link ClientTokensTest}.
     */
    @Test
    void anotherTenantsMachineClientWithoutAnyRoleNeverReachesAnApplication() throws Exception {
        settings("contoso", null, "{\"inbound\": {\"directConnect\": " + ALLOW_ALL + ", \"collaboration\": "
                + ALLOW_ALL + "}}");
        settings("fabrikam", null, "{\"outbound\": {\"directConnect\": " + ALLOW_ALL + ", \"collaboration\": "
                + ALLOW_ALL + "}}");
        assertTrue(policy.decide(bob, "contoso", "projects", false).allowed(), "a person is admitted");
        FederatedIdentity reports = new FederatedIdentity("fabrikam", "https://idp/fabrikam", "svc-reports", null,
                List.of("default-roles-fabrikam"), null, null, List.of(), null, List.of(), false, "fabrikam-reports");
        assertTrue(reports.isClient());
        AccessDecision refused = policy.decide(reports, "contoso", "projects", false);
        assertFalse(refused.allowed());
        assertFalse(refused.isStepUp(), "no MFA challenge a machine could never answer");
        assertTrue(refused.reason().contains("fabrikam-reports") && refused.reason().contains("admit people"),
                refused.reason());
        assertFalse(policy.decide(reports, "contoso", "secure", true).isStepUp());
        grant("svc-reports", "projects");
        assertFalse(policy.decide(reports, "contoso", "projects", false).allowed(), "not with a grant either");
        // a tenant's own machine client is a member: the settings between tenants do not concern it
        FederatedIdentity own = new FederatedIdentity("contoso", "i", "svc-c", null, List.of(), null, null, List.of(),
                null, List.of(), false, "contoso-reports");
        assertTrue(policy.decide(own, "contoso", "projects", false).allowed());
    }

    @Test
    void membersNeedNoSettings() {
        FederatedIdentity alice = new FederatedIdentity("contoso", "i", "alice", "alice@contoso.example", List.of());
        AccessDecision d = policy.decide(alice, "contoso", "projects", false);
        assertTrue(d.allowed());
        assertFalse(d.guest());
    }

    @Test
    void aGrantAdmitsOnlyWhileBothTenantsCollaborationSettingsStillDo() throws Exception {
        grant("f-bob", "projects");
        assertFalse(policy.decide(bob, "contoso", "projects", false).allowed(), "built-in default blocks everyone");

        settings("contoso", null, "{\"inbound\": {\"collaboration\": " + ALLOW_ALL + "}}");
        settings("fabrikam", null, "{\"outbound\": {\"collaboration\": " + ALLOW_ALL + "}}");
        AccessDecision allowed = policy.decide(bob, "contoso", "projects", false);
        assertTrue(allowed.allowed());
        assertTrue(allowed.guest());
        assertFalse(allowed.directConnect());

        // contoso's partner configuration for fabrikam now blocks bob's group: the pair wins over the default
        settings("contoso", "fabrikam", """
                {"inbound": {"collaboration": {"usersAndGroups": {"access": "blocked", "targets": [{"group": "engineering"}]},
                                               "applications": {"access": "allowed", "targets": ["all"]}}}}""");
        AccessDecision blocked = policy.decide(bob, "contoso", "projects", false);
        assertFalse(blocked.allowed());
        assertEquals("contoso refused access to projects", blocked.reason(), "which of contoso's rules: not said");

        view.forgetSettings("contoso", "fabrikam"); // deleted: back to contoso's default
        assertTrue(policy.decide(bob, "contoso", "projects", false).allowed());

        // fabrikam's outbound now lists only another subject: the reason names no rule of fabrikam's
        settings("fabrikam", "contoso", """
                {"outbound": {"collaboration": {"usersAndGroups": {"access": "allowed", "targets": [{"subject": "f-carol"}]},
                                                "applications": {"access": "allowed", "targets": ["all"]}}}}""");
        AccessDecision home = policy.decide(bob, "contoso", "projects", false);
        assertFalse(home.allowed());
        assertEquals("fabrikam outbound settings blocked it", home.reason());
    }

    /**
     * Issue #8: the resource tenant's invitation domain list holds for redeemed guests at every request, on the
     * grant's invitee address; the refusal reads as any other of the resource tenant's. Direct connect is not an
     * invitation: the list does not concern it.
     */
    @Test
    void theResourceTenantsInvitationDomainListHoldsForGuestsAtEveryRequest() throws Exception {
        String collaboration = "\"inbound\": {\"collaboration\": " + ALLOW_ALL + "}";
        settings("fabrikam", null, "{\"outbound\": {\"collaboration\": " + ALLOW_ALL + ", \"directConnect\": "
                + ALLOW_ALL + "}}");
        settings("contoso", null, "{" + collaboration + "}");
        grant("f-bob", "projects");
        assertTrue(policy.decide(bob, "contoso", "projects", false).allowed(), "no domain restriction yet");

        settings("contoso", "fabrikam", "{" + collaboration + ", \"invitations\": {\"domains\": "
                + "{\"access\": \"blocked\", \"targets\": [\"fabrikam.example\"]}}}");
        AccessDecision blocked = policy.decide(bob, "contoso", "projects", false);
        assertFalse(blocked.allowed(), "the deny list covers the invitee's domain");
        assertEquals(AccessPolicy.refusedBy("contoso", "projects"), blocked.reason(), "as any refusal by contoso");
        FederatedIdentity unvouched = fabrikam("f-bob", null, List.of("engineering"), "password", List.of(), false);
        assertFalse(policy.decide(unvouched, "contoso", "projects", false).allowed(),
                "a token without a vouched email does not get around the deny list: the grant's address counts");

        settings("contoso", "fabrikam", "{" + collaboration + ", \"invitations\": {\"domains\": "
                + "{\"access\": \"allowed\", \"targets\": [\"globex.example\"]}}}");
        assertFalse(policy.decide(bob, "contoso", "projects", false).allowed(), "not on the allow list");
        settings("contoso", "fabrikam", "{" + collaboration + ", \"invitations\": {\"domains\": "
                + "{\"access\": \"allowed\", \"targets\": [\"globex.example\", \"fabrikam.example\"]}}}");
        assertTrue(policy.decide(bob, "contoso", "projects", false).allowed(), "on the allow list");
        settings("contoso", "fabrikam", "{" + collaboration + ", \"invitations\": {\"domains\": "
                + "{\"access\": \"blocked\", \"targets\": [\"sub.fabrikam.example\", \"kam.example\"]}}}");
        assertTrue(policy.decide(bob, "contoso", "projects", false).allowed(), "exact domains only: no subdomain, no suffix");

        // a grant whose address is unknown passes no list at all (fail closed), and no list means no restriction
        view.putGrant(new GuestGrant("inv-x", "contoso", "projects", "fabrikam", "https://idp/fabrikam", "f-x", null,
                Instant.now().plusSeconds(3600), null));
        FederatedIdentity x = fabrikam("f-x", null, List.of(), null, List.of(), false);
        assertFalse(policy.decide(x, "contoso", "projects", false).allowed());
        settings("contoso", "fabrikam", "{" + collaboration + ", \"invitations\": {\"domains\": null}}");
        assertTrue(policy.decide(x, "contoso", "projects", false).allowed());

        // direct connect (no grant) is no invitation: a deny list does not concern it
        settings("contoso", "fabrikam", "{\"inbound\": {\"directConnect\": " + ALLOW_ALL + "}, \"invitations\": "
                + "{\"domains\": {\"access\": \"blocked\", \"targets\": [\"fabrikam.example\"]}}}");
        FederatedIdentity carol = fabrikam("f-carol", "carol@fabrikam.example", List.of(), null, List.of(), false);
        AccessDecision direct = policy.decide(carol, "contoso", "projects", false);
        assertTrue(direct.allowed() && direct.directConnect());
    }

    @Test
    void withoutAGrantTheCallerIsDecidedAsDirectConnect() throws Exception {
        settings("contoso", null, "{\"inbound\": {\"collaboration\": " + ALLOW_ALL + "}}");
        settings("fabrikam", null, "{\"outbound\": {\"collaboration\": " + ALLOW_ALL + "}}");
        assertFalse(policy.decide(bob, "contoso", "projects", false).allowed(),
                "collaboration settings admit nobody without a grant");

        settings("contoso", "fabrikam", "{\"inbound\": {\"directConnect\": " + ALLOW_ALL + "}}");
        assertFalse(policy.decide(bob, "contoso", "projects", false).allowed(), "fabrikam's outbound still blocks");
        settings("fabrikam", "contoso", """
                {"outbound": {"directConnect": {"usersAndGroups": {"access": "allowed", "targets": [{"user": "bob@fabrikam.example"}]},
                                                "applications": {"access": "allowed", "targets": ["projects"]}}}}""");
        AccessDecision d = policy.decide(bob, "contoso", "projects", false);
        assertTrue(d.allowed());
        assertTrue(d.directConnect());
        assertTrue(d.guest());
        assertFalse(policy.decide(bob, "contoso", "wiki", false).allowed(), "fabrikam lets bob out to projects only");
        FederatedIdentity noEmail = fabrikam("f-bob", null, List.of(), null, List.of(), false);
        assertFalse(policy.decide(noEmail, "contoso", "projects", false).allowed(),
                "a user target matches only a vouched email");
    }

    @Test
    void anApplicationThatRequiresMfaAdmitsOnlyTrustedMfa() throws Exception {
        settings("contoso", null, "{\"inbound\": {\"directConnect\": " + ALLOW_ALL + "}}");
        settings("fabrikam", null, "{\"outbound\": {\"directConnect\": " + ALLOW_ALL + "}}");

        AccessDecision low = policy.decide(bob, "contoso", "secure", true);
        assertFalse(low.allowed());
        assertTrue(low.isStepUp());
        assertEquals("mfa", low.stepUpAcr(), "the first of fabrikam's MFA acr values");

        FederatedIdentity mfaBob = fabrikam("f-bob", "bob@fabrikam.example", List.of(), "gold", List.of(), true);
        AccessDecision untrusted = policy.decide(mfaBob, "contoso", "secure", true);
        assertTrue(untrusted.isStepUp(), "contoso does not accept fabrikam's MFA yet");
        assertEquals("secure requires MFA that contoso accepts", untrusted.reason());
        assertEquals(untrusted.reason(), low.reason(), "the same text whether trust is off or the claim is absent");
        AccessDecision plain = policy.decide(mfaBob, "contoso", "plain", false);
        assertTrue(plain.allowed());
        assertFalse(plain.mfa(), "untrusted MFA is not asserted to the application");
        assertFalse(plain.deviceCompliant());

        settings("contoso", null, "{\"inbound\": {\"directConnect\": " + ALLOW_ALL
                + ", \"trust\": {\"mfaAccepted\": true, \"compliantDeviceAccepted\": true}}}");
        AccessDecision trusted = policy.decide(mfaBob, "contoso", "secure", true);
        assertTrue(trusted.allowed());
        assertTrue(trusted.mfa());
        assertTrue(trusted.deviceCompliant());
        AccessDecision trustedButLow = policy.decide(bob, "contoso", "secure", true);
        assertTrue(trustedButLow.isStepUp(), "trust does not make a password MFA");
        assertEquals(low.reason(), trustedButLow.reason(), "trust on or off: the same text");
        assertEquals(low.stepUpAcr(), trustedButLow.stepUpAcr());

        // amr mfa or otp satisfies MFA whatever the acr; another amr does not
        assertTrue(policy.decide(fabrikam("f-bob", "bob@fabrikam.example", List.of(), null, List.of("pwd", "otp"),
                false), "contoso", "secure", true).allowed());
        assertTrue(policy.decide(fabrikam("f-bob", "bob@fabrikam.example", List.of(), null, List.of("mfa"),
                false), "contoso", "secure", true).allowed());
        for (List<String> amr : List.of(List.of("pwd"), List.of("MFA"), List.of("otp "), List.<String>of())) {
            assertTrue(policy.decide(fabrikam("f-bob", "bob@fabrikam.example", List.of(), "Mfa", amr, false),
                    "contoso", "secure", true).isStepUp(), "acr and amr are compared exactly: " + amr);
        }
        // an acr value of another tenant is not fabrikam's
        FederatedIdentity contosoAcr = fabrikam("f-bob", "bob@fabrikam.example", List.of(), "contoso-only",
                List.of(), false);
        assertTrue(policy.decide(contosoAcr, "contoso", "secure", true).isStepUp());
    }

    @Test
    void membersMustBringMfaTooButTheirOwnTenantTrustsIt() {
        FederatedIdentity alice = new FederatedIdentity("contoso", "i", "alice", "alice@contoso.example", List.of(),
                null, null, List.of(), "password", List.of(), true);
        assertTrue(policy.decide(alice, "contoso", "secure", true).isStepUp());
        FederatedIdentity mfaAlice = new FederatedIdentity("contoso", "i", "alice", "alice@contoso.example", List.of(),
                null, null, List.of(), "mfa", List.of(), true);
        AccessDecision d = policy.decide(mfaAlice, "contoso", "secure", true);
        assertTrue(d.allowed());
        assertTrue(d.mfa());
        assertTrue(d.deviceCompliant());
    }

    @Test
    void aTenantWithoutMfaAcrValuesGetsAChallengeWithoutAcrValues() throws Exception {
        AccessPolicy bare = AccessPolicy.forTests(view, Map.of());
        settings("contoso", null, "{\"inbound\": {\"directConnect\": " + ALLOW_ALL + "}}");
        settings("fabrikam", null, "{\"outbound\": {\"directConnect\": " + ALLOW_ALL + "}}");
        AccessDecision d = bare.decide(fabrikam("f-bob", null, List.of(), "mfa", List.of(), false), "contoso",
                "secure", true);
        assertTrue(d.isStepUp());
        assertEquals("", d.stepUpAcr());
    }
}
