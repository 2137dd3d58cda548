package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.crosstenant.audit.model.AuditRecord;
import org.crosstenant.audit.model.AuditTarget;
import org.crosstenant.audit.service.RecordSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #9 item 7: every action the translator produces has a defined category, activity and result (a new event type
 * or action without one fails here), and the derived fields say what docs/audit.md "Record schema" promises.
 */
class RecordSchemaTest {

    private static final Set<String> CATEGORIES = Set.of(RecordSchema.USER_MANAGEMENT, RecordSchema.POLICY,
            RecordSchema.CROSS_TENANT_ACCESS_SETTINGS, RecordSchema.APPLICATION_MANAGEMENT, RecordSchema.SIGN_IN_LOGS);
    private static final Set<String> RESULTS = Set.of(RecordSchema.SUCCESS, RecordSchema.FAILURE, RecordSchema.TIMEOUT);
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @MethodSource("org.crosstenant.audit.ExampleRecords#all")
    void everyProducedActionHasADefinedCategoryAndResult(ExampleRecords.Example example) {
        AuditRecord r = example.record();
        assertThat(RecordSchema.actions()).as("RecordSchema defines " + r.action()).contains(r.action());
        assertThat(r.category()).isIn(CATEGORIES);
        assertThat(r.result()).isIn(RESULTS);
        assertThat(r.activity()).isNotBlank().isNotEqualTo(r.action());
        assertThat(r.initiatedBy()).isNotNull();
        assertThat(r.initiatedBy().app()).isIn("invitation-service", "policy-service", "gateway");
        assertThat(r.targets()).isNotEmpty().allSatisfy(t -> assertThat(t.id()).isNotBlank());
        assertThat(r.crossTenantAccessType()).isIn(RecordSchema.NONE, RecordSchema.B2B_COLLABORATION,
                RecordSchema.B2B_DIRECT_CONNECT);
    }

    /** Every audited type has an example, and the examples produce exactly the actions the schema defines. */
    @Test
    void theSchemaCoversExactlyTheActionsOfEveryAuditedType() {
        List<ExampleRecords.Example> examples = ExampleRecords.all();
        assertThat(examples.stream().map(ExampleRecords.Example::type).collect(Collectors.toSet()))
                .containsAll(ExampleRecords.TRANSLATOR.types());
        assertThat(examples.stream().map(e -> e.record().action()).collect(Collectors.toSet()))
                .isEqualTo(RecordSchema.actions());
    }

    @Test
    void anUnknownActionIsOtherAndUnknownRatherThanAFailure() {
        RecordSchema.Derived d = RecordSchema.derive("audit.something-new", null, null, "contoso", null, null, null,
                "org.crosstenant.audit.something.v1", JSON.createObjectNode());
        assertThat(d.category()).isEqualTo(RecordSchema.OTHER);
        assertThat(d.activity()).isEqualTo("audit.something-new");
        assertThat(d.result()).isEqualTo(RecordSchema.UNKNOWN);
        assertThat(d.initiatedBy().app()).isNull();
    }

    @Test
    void derivationsFollowTheDocumentedTable() {
        Map<String, AuditRecord> byFile = ExampleRecords.all().stream()
                .collect(Collectors.toMap(ExampleRecords.Example::toString, ExampleRecords.Example::record));

        AuditRecord decided = byFile.get("org.crosstenant.policy.decided.v1.json");
        assertThat(decided.category()).isEqualTo(RecordSchema.POLICY);
        assertThat(decided.correlationId()).isEqualTo(decided.invitationId());
        assertThat(decided.crossTenantAccessType()).isEqualTo(RecordSchema.B2B_COLLABORATION);
        assertThat(decided.resultReason()).isEqualTo(String.join("; ",
                JSON.convertValue(decided.details().get("sharedReasons"), String[].class)));
        assertThat(decided.result()).isEqualTo("allow".equals(decided.outcome()) ? "success" : "failure");

        AuditRecord redeemed = byFile.get("org.crosstenant.invitation.redeemed.v1.json");
        JsonNode guest = redeemed.details().get("guest");
        assertThat(redeemed.targets()).extracting(AuditTarget::type).containsExactly("Invitation", "User", "Application");
        assertThat(redeemed.targets().get(1)).isEqualTo(new AuditTarget("User", guest.get("email").asText(),
                guest.get("tenant").asText()));
        assertThat(redeemed.initiatedBy().subject()).isEqualTo(guest.get("subject").asText());

        assertThat(byFile.get("org.crosstenant.invitation.expired.v1.json").result()).isEqualTo(RecordSchema.TIMEOUT);
        assertThat(byFile.get("org.crosstenant.invitation.denied.v1.json").result()).isEqualTo(RecordSchema.FAILURE);
        AuditRecord denied = byFile.get("org.crosstenant.gateway.access-denied.v1.json");
        assertThat(denied.result()).isEqualTo(RecordSchema.FAILURE);
        assertThat(denied.resultReason()).isEqualTo(denied.details().get("reason").asText());
        assertThat(denied.category()).isEqualTo(RecordSchema.SIGN_IN_LOGS);

        AuditRecord withdrawn = byFile.get("org.crosstenant.policy.access-withdrawn.v1.json");
        assertThat(withdrawn.initiatedBy().tenant()).isEqualTo(withdrawn.details().get("changedTenant").asText());
        assertThat(withdrawn.initiatedBy().subject()).isNull();

        AuditRecord settings = byFile.get("org.crosstenant.policy.access-settings-changed.v2.json");
        assertThat(settings.category()).isEqualTo(RecordSchema.CROSS_TENANT_ACCESS_SETTINGS);
        assertThat(settings.crossTenantAccessType()).isEqualTo(RecordSchema.NONE);
        assertThat(settings.targets()).containsExactly(new AuditTarget("CrossTenantAccessSettings",
                settings.details().get("tenant").asText() + "/partners/" + settings.details().get("partner").asText(),
                settings.details().get("tenant").asText()));
    }

    @Test
    void accessByAMemberIsNoCrossTenantAccessAndDirectConnectIsNamed() {
        String member = """
                {"resourceTenant": "contoso", "homeTenant": "contoso", "application": "contoso-projects",
                 "subject": "alice", "email": null, "guest": false, "method": "GET", "path": "/apps/contoso/x",
                 "reason": "member", "occurredAt": "2026-01-01T00:00:00Z", "session": "s-1"}""";
        AuditRecord own = ExampleRecords.record("org.crosstenant.gateway.access-allowed.v1", member);
        assertThat(own.crossTenantAccessType()).isEqualTo(RecordSchema.NONE);
        assertThat(own.correlationId()).isEqualTo("s-1");
        AuditRecord direct = ExampleRecords.record("org.crosstenant.gateway.access-allowed.v1",
                member.replace("\"homeTenant\": \"contoso\"", "\"homeTenant\": \"fabrikam\""));
        assertThat(direct.crossTenantAccessType()).isEqualTo(RecordSchema.B2B_DIRECT_CONNECT);
        assertThat(direct.tenants()).containsExactly("contoso", "fabrikam");
    }

    /** The derived fields are a function of the stored ones: the same stored record always serves the same fields. */
    @Test
    void derivationIsDeterministic() throws Exception {
        for (ExampleRecords.Example example : ExampleRecords.all()) {
            AuditRecord again = ExampleRecords.record(example.type(),
                    java.nio.file.Files.readString(example.file()));
            assertThat(again).as(example.toString()).isEqualTo(example.record());
        }
    }
}
