package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;

import org.crosstenant.audit.messaging.AuditEventTranslator;

import org.junit.jupiter.api.Test;

/**
 * Issue #8 through the real broker into the log and out of the query API: policy-service's access-withdrawn.v1 and
 * the revoked.v1 / denied.v1 that invitation-service publishes when a settings change ends an invitation, each
 * recorded once for both tenants; the withdrawal's record keeps only the reasons either tenant may read.
 */
@QuarkusTest
class AccessWithdrawalAuditTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Path POLICY = Path.of("../policy-service/src/main/resources/events");
    private static final Path INVITATION = Path.of("../invitation-service/src/main/resources/events");

    @Test
    void aWithdrawalAndTheEndingItCausesAreRecordedForBothTenants() throws IOException {
        String grant = UUID.randomUUID().toString();
        String request = UUID.randomUUID().toString();
        // the producers' own examples, re-keyed to invitations of this test
        String withdrawal = example(POLICY, "org.crosstenant.policy.access-withdrawn.v1", grant);
        String revoked = example(INVITATION, "org.crosstenant.invitation.revoked.v1.policy-changed", grant);
        String denied = example(INVITATION, "org.crosstenant.invitation.denied.v1.policy-changed", request);
        Events.send("policy.decisions", grant, AuditEventTranslator.ACCESS_WITHDRAWN, withdrawal);
        Events.send("invitations.events", grant, "org.crosstenant.invitation.revoked.v1", revoked);
        Events.send("invitations.events", request, "org.crosstenant.invitation.denied.v1", denied);

        await().atMost(WAIT).untilAsserted(() -> assertThat(Auditors.records("fabrikam",
                Map.of("invitationId", grant))).extracting(r -> r.get("action"))
                .containsExactlyInAnyOrder("policy.access-withdrawn", "invitation.revoked"));
        for (String tenant : List.of("contoso", "fabrikam")) {
            List<Map<String, Object>> records = Auditors.records(tenant, Map.of("invitationId", grant));
            Map<String, Object> withdrawn = byAction(records, "policy.access-withdrawn");
            assertThat(withdrawn.get("tenants")).isEqualTo(List.of("contoso", "fabrikam"));
            assertThat(withdrawn.get("resourceTenant")).isEqualTo("contoso");
            assertThat(withdrawn.get("homeTenant")).isEqualTo("fabrikam");
            Map<?, ?> details = (Map<?, ?>) withdrawn.get("details");
            assertThat(details.get("sharedReasons")).isEqualTo(List.of("fabrikam outbound settings blocked it"));
            assertThat(details.containsKey("reasons")).isFalse();
            assertThat(details.containsKey("homeReasons")).isFalse();
            assertThat(details.containsKey("policyVersions")).isFalse();
            assertThat(details.get("changedTenant")).isEqualTo("fabrikam");
            assertThat(details.get("cause")).isEqualTo("policy-changed");

            Map<String, Object> revocation = byAction(records, "invitation.revoked");
            assertThat(((Map<?, ?>) revocation.get("actor")).get("subject")).isEqualTo("system:policy-changed");
            Map<?, ?> revokedDetails = (Map<?, ?>) revocation.get("details");
            assertThat(revokedDetails.get("reason")).isEqualTo("policy-changed");
            assertThat(revokedDetails.get("withdrawalId")).isEqualTo(details.get("withdrawalId"));
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(Auditors.records("contoso",
                Map.of("invitationId", request))).extracting(r -> r.get("action"))
                .containsExactly("invitation.denied"));
        Map<?, ?> deniedDetails = (Map<?, ?>) Auditors.records("fabrikam", Map.of("invitationId", request)).get(0)
                .get("details");
        assertThat(deniedDetails.get("cause")).isEqualTo("policy-changed");
        assertThat(deniedDetails.get("previousStatus")).isEqualTo("pending_acceptance");
    }

    /**
     * Issue #8, application removal: application-removed.v1 is recorded as {@code policy.application-removed} for the
     * owner only, with the admin who removed it; the withdrawal of each of its invitations for both tenants, keeping
     * only the reasons either may read (the removal itself is in the resource tenant's reasons, which stay out).
     */
    @Test
    void anApplicationRemovalIsRecordedForItsOwnerAndItsWithdrawalsForBothTenants() throws IOException {
        String app = "app-" + UUID.randomUUID().toString().substring(0, 8);
        String grant = UUID.randomUUID().toString();
        Events.send("policy.events", "contoso/applications/" + app, AuditEventTranslator.APPLICATION_REMOVED,
                Files.readString(POLICY.resolve(AuditEventTranslator.APPLICATION_REMOVED + ".json"))
                        .replace("contoso-projects", app));
        Events.send("policy.decisions", grant, AuditEventTranslator.ACCESS_WITHDRAWN,
                example(POLICY, AuditEventTranslator.ACCESS_WITHDRAWN + ".application-removed", grant)
                        .replace("contoso-projects", app));

        Map<String, String> removal = Map.of("action", "policy.application-removed");
        await().atMost(WAIT).untilAsserted(() -> assertThat(Auditors.records("contoso", removal))
                .extracting(r -> r.get("application")).contains(app));
        Map<String, Object> removed = Auditors.records("contoso", removal).stream()
                .filter(r -> app.equals(r.get("application"))).findFirst().orElseThrow();
        assertThat(removed.get("tenants")).isEqualTo(List.of("contoso"));
        assertThat(removed.get("resourceTenant")).isEqualTo("contoso");
        assertThat(removed.get("homeTenant")).isNull();
        assertThat(((Map<?, ?>) removed.get("actor")).get("subject")).isEqualTo("alice");
        assertThat(((Map<?, ?>) removed.get("details")).get("version")).isEqualTo(3);

        await().atMost(WAIT).untilAsserted(() -> assertThat(Auditors.records("fabrikam",
                Map.of("invitationId", grant))).extracting(r -> r.get("action"))
                .containsExactly("policy.access-withdrawn"));
        for (String tenant : List.of("contoso", "fabrikam")) {
            Map<?, ?> details = (Map<?, ?>) Auditors.records(tenant, Map.of("invitationId", grant)).get(0)
                    .get("details");
            assertThat(details.get("application")).isEqualTo(app);
            assertThat(details.get("cause")).isEqualTo("policy-changed");
            assertThat(details.get("changedTenant")).isEqualTo("contoso");
            assertThat(details.get("sharedReasons")).isEqualTo(List.of("contoso settings blocked it"));
            assertThat(details.containsKey("reasons")).isFalse();
        }
        // the partner's auditors do not read the owner's registry
        assertThat(Auditors.records("fabrikam", removal)).extracting(r -> r.get("application")).doesNotContain(app);
    }

    /** The example of {@code type} from the producer's directory, about {@code invitationId} instead of its own. */
    private static String example(Path dir, String name, String invitationId) throws IOException {
        return Files.readString(dir.resolve(name + ".json"))
                .replaceFirst("\"invitationId\": \"[^\"]+\"", "\"invitationId\": \"" + invitationId + "\"");
    }

    private static Map<String, Object> byAction(List<Map<String, Object>> records, String action) {
        return records.stream().filter(r -> action.equals(r.get("action"))).findFirst().orElseThrow(
                () -> new AssertionError("no " + action + " in " + records));
    }
}
