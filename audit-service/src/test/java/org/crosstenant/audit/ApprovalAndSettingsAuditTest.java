package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.Test;

/**
 * Issue #7's new events, through the real broker into the log and out of the query API: the approval steps of an
 * invitation (approval-requested, approved by an admin, declined by an admin), a decision that requires approval, and
 * access-settings-changed.v2 for a default configuration, a partner configuration and its deletion.
 */
@QuarkusTest
class ApprovalAndSettingsAuditTest {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void approvalStepsAreRecordedForBothTenantsWithTheAdminWhoActed() {
        String inv = UUID.randomUUID().toString();
        String declinedInv = UUID.randomUUID().toString();
        String app = "app-" + inv.substring(0, 8);
        String invitation = """
                {"invitationId": "%s", "resourceTenant": "contoso", "application": "%s",
                 "invitee": {"tenant": "fabrikam", "email": "bob@fabrikam.example"}%s, "occurredAt": "%s"}""";
        Events.send("policy.decisions", inv, "org.crosstenant.policy.decided.v1",
                Events.decided(inv, "contoso", "fabrikam", app, "allow")
                        .replaceFirst("\"outcome\"", "\"approvalRequired\": true, \"outcome\""));
        Events.send("invitations.events", inv, "org.crosstenant.invitation.approval-requested.v1",
                invitation.formatted(inv, app, "", "2026-11-28T09:00:00Z"));
        Events.send("invitations.events", inv, "org.crosstenant.invitation.approved.v1", invitation.formatted(inv, app,
                ", \"approvedBy\": {\"tenant\": \"contoso\", \"subject\": \"alice\", \"email\": \"alice@contoso.example\"},"
                        + " \"reason\": \"known partner\"", "2026-11-28T09:05:00Z"));
        Events.send("invitations.events", declinedInv, "org.crosstenant.invitation.declined.v1", """
                {"invitationId": "%s", "resourceTenant": "contoso", "homeTenant": "fabrikam", "application": "%s",
                 "inviteeEmail": "carol@fabrikam.example",
                 "declinedBy": {"tenant": "contoso", "subject": "alice-2", "email": null},
                 "reason": "unknown person", "occurredAt": "2026-11-28T09:06:00Z"}""".formatted(declinedInv, app));

        await().atMost(WAIT).untilAsserted(() -> assertThat(Auditors.records("fabrikam", Map.of("invitationId", inv)))
                .extracting(r -> r.get("action"))
                .contains("policy.decided", "invitation.approval-requested", "invitation.approved"));
        List<Map<String, Object>> contoso = Auditors.records("contoso", Map.of("invitationId", inv));
        Map<String, Object> decided = byAction(contoso, "policy.decided");
        assertThat(((Map<?, ?>) decided.get("details")).get("approvalRequired")).isEqualTo(true);
        assertThat(byAction(contoso, "invitation.approval-requested").get("actor")).isNull();
        Map<String, Object> approved = byAction(contoso, "invitation.approved");
        assertThat(((Map<?, ?>) approved.get("actor")).get("subject")).isEqualTo("alice");
        assertThat(((Map<?, ?>) approved.get("details")).get("reason")).isEqualTo("known partner");

        await().atMost(WAIT).untilAsserted(() -> assertThat(Auditors.records("fabrikam",
                Map.of("invitationId", declinedInv))).extracting(r -> r.get("action"))
                .containsExactly("invitation.declined"));
        Map<String, Object> declined = Auditors.records("contoso", Map.of("invitationId", declinedInv)).get(0);
        assertThat(declined.get("tenants")).isEqualTo(List.of("contoso", "fabrikam"));
        assertThat(declined.get("homeTenant")).isEqualTo("fabrikam");
        assertThat(((Map<?, ?>) declined.get("actor")).get("subject")).isEqualTo("alice-2");
        assertThat(((Map<?, ?>) declined.get("details")).get("reason")).isEqualTo("unknown person");
    }

    @Test
    void settingsChangesAreRecordedForTheOwnerOnlyWithTheirScope() {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        String partner = "p-" + UUID.randomUUID().toString().substring(0, 8);
        Events.send("policy.events", tenant + "/default", "org.crosstenant.policy.access-settings-changed.v2",
                settingsV2(tenant, null, 1, 1, false));
        Events.send("policy.events", tenant + "/partners/" + partner,
                "org.crosstenant.policy.access-settings-changed.v2", settingsV2(tenant, partner, 4, 1, false));
        Events.send("policy.events", tenant + "/partners/" + partner,
                "org.crosstenant.policy.access-settings-changed.v2", settingsV2(tenant, partner, 5, 1, true));

        await().atMost(WAIT).untilAsserted(() -> assertThat(Auditors.records(tenant,
                Map.of("action", "policy.access-settings-changed"))).hasSize(3));
        List<Map<String, Object>> records = Auditors.records(tenant, Map.of("action", "policy.access-settings-changed"));
        assertThat(records).extracting(r -> (Object) ((Map<?, ?>) r.get("details")).get("scope"))
                .containsExactly("default", "partner", "partner");
        assertThat(records).extracting(r -> (Object) ((Map<?, ?>) r.get("details")).get("deleted"))
                .containsExactly(false, false, true);
        assertThat(records).extracting(r -> r.get("homeTenant")).containsExactly(null, partner, partner);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.get("tenants")).isEqualTo(List.of(tenant));
            assertThat(((Map<?, ?>) r.get("actor")).get("subject")).isEqualTo("admin");
        });
        // the partner's own auditors do not read the owner's settings
        assertThat(Auditors.records(partner, Map.of("action", "policy.access-settings-changed"))).isEmpty();
    }

    private static String settingsV2(String tenant, String partner, int version, int defaultVersion, boolean deleted) {
        String configuration = deleted ? "null" : """
                {"inbound": {"collaboration": {"usersAndGroups": {"access": "allowed", "targets": [{"group": "eng"}]}}}}""";
        return """
                {"tenant": "%s", "partner": %s, "version": %d, "defaultVersion": %d, "deleted": %s,
                 "settings": %s, "effective": %s,
                 "changedBy": {"tenant": "%s", "subject": "admin", "email": "admin@%s.example"},
                 "occurredAt": "2026-11-28T10:00:0%dZ"}""".formatted(tenant, partner == null ? "null" : "\"" + partner
                + "\"", version, defaultVersion, deleted, configuration, configuration, tenant, tenant, version);
    }

    private static Map<String, Object> byAction(List<Map<String, Object>> records, String action) {
        return records.stream().filter(r -> action.equals(r.get("action"))).findFirst().orElseThrow(
                () -> new AssertionError("no " + action + " in " + records));
    }
}
