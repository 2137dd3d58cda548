package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.crosstenant.audit.messaging.AuditEventTranslator;
import org.crosstenant.platform.model.StrictJsonInput;
import org.crosstenant.audit.model.AuditDraft;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The producers own the payloads: their example files (one per event type) must parse with our consumer code, so a
 * producer change that breaks the audit service fails this build.
 */
class ProducerContractTest {

    private static final List<Path> PRODUCERS = List.of(
            Path.of("../invitation-service/src/main/resources/events"),
            Path.of("../policy-service/src/main/resources/events"),
            Path.of("../gateway/src/main/resources/events"));

    private final AuditEventTranslator translator = new AuditEventTranslator(StrictJsonInput.apply(new ObjectMapper()));

    static Stream<Path> examples() throws IOException {
        Stream<Path> all = Stream.empty();
        for (Path dir : PRODUCERS) {
            all = Stream.concat(all, Files.list(dir).filter(p -> p.toString().endsWith(".json")).sorted().toList().stream());
        }
        return all;
    }

    static String typeOf(Path example) {
        // <type>.json or <type>.<variant>.json (a second example of one type, e.g. approved.v1.by-admin.json)
        return example.getFileName().toString().replaceFirst("^(.*?\\.v\\d+)(\\..*)?\\.json$", "$1");
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyProducerExampleBecomesARecord(Path example) throws IOException {
        String type = typeOf(example);
        assertThat(translator.knows(type)).as("audit-service audits " + type).isTrue();

        AuditDraft draft = translator.translate(type, Files.readString(example));

        assertThat(draft.tenants()).isNotEmpty().doesNotContainNull();
        assertThat(draft.action()).isNotBlank();
        assertThat(draft.occurredAt()).isNotNull();
        assertThat(draft.details().isObject()).isTrue();
    }

    /** Both tenants read a decision's record: the resource tenant's deciding rule stays out, shared reasons stay in. */
    @Test
    void aDecisionRecordCarriesOnlyTheReasonsEitherTenantMayRead() throws IOException {
        Path example = Path.of("../policy-service/src/main/resources/events/" + AuditEventTranslator.DECIDED + ".json");
        String payload = Files.readString(example);
        assertThat(payload).contains("\"reasons\"").contains("\"sharedReasons\"");
        AuditDraft draft = translator.translate(AuditEventTranslator.DECIDED, payload);
        assertThat(draft.tenants()).containsExactlyInAnyOrder("contoso", "fabrikam");
        assertThat(draft.details().has("reasons")).isFalse();
        assertThat(draft.details().has("policyVersions")).isFalse();
        assertThat(payload).contains("\"homeReasons\"");
        assertThat(draft.details().has("homeReasons")).isFalse();
        assertThat(draft.details().path("sharedReasons").size()).isPositive();
    }

    /**
     * Issue #8: a withdrawal's record is read by both tenants, like a decision's: only the shared reasons stay in,
     * the resource tenant's and the home tenant's own reasons and the policy versions stay out.
     */
    @Test
    void aWithdrawalRecordCarriesOnlyTheReasonsEitherTenantMayRead() throws IOException {
        Path example = Path.of("../policy-service/src/main/resources/events/" + AuditEventTranslator.ACCESS_WITHDRAWN
                + ".json");
        String payload = Files.readString(example);
        assertThat(payload).contains("\"reasons\"").contains("\"sharedReasons\"").contains("\"homeReasons\"")
                .contains("\"policyVersions\"");
        AuditDraft draft = translator.translate(AuditEventTranslator.ACCESS_WITHDRAWN, payload);
        assertThat(draft.action()).isEqualTo("policy.access-withdrawn");
        assertThat(draft.tenants()).containsExactlyInAnyOrder("contoso", "fabrikam");
        assertThat(draft.invitationId()).isNotBlank();
        assertThat(draft.details().has("reasons")).isFalse();
        assertThat(draft.details().has("homeReasons")).isFalse();
        assertThat(draft.details().has("policyVersions")).isFalse();
        assertThat(draft.details().path("sharedReasons").size()).isPositive();
        assertThat(draft.details().path("withdrawalId").asText()).isNotBlank();
        assertThat(draft.details().path("changedTenant").asText()).isNotBlank();
    }

    /** Issue #8: the endings a settings change makes keep their new members in the record both tenants read. */
    @Test
    void endingsByASettingsChangeKeepWhyInTheRecord() throws IOException {
        Path dir = Path.of("../invitation-service/src/main/resources/events");
        AuditDraft revoked = translator.translate("org.crosstenant.invitation.revoked.v1",
                Files.readString(dir.resolve("org.crosstenant.invitation.revoked.v1.policy-changed.json")));
        assertThat(revoked.action()).isEqualTo("invitation.revoked");
        assertThat(revoked.tenants()).containsExactly("contoso", "fabrikam");
        assertThat(revoked.actor().path("subject").asText()).isEqualTo("system:policy-changed");
        assertThat(revoked.details().path("reason").asText()).isEqualTo("policy-changed");
        assertThat(revoked.details().path("reasons").size()).isPositive();
        assertThat(revoked.details().path("withdrawalId").asText()).isNotBlank();
        AuditDraft denied = translator.translate("org.crosstenant.invitation.denied.v1",
                Files.readString(dir.resolve("org.crosstenant.invitation.denied.v1.policy-changed.json")));
        assertThat(denied.action()).isEqualTo("invitation.denied");
        assertThat(denied.details().path("cause").asText()).isEqualTo("policy-changed");
        assertThat(denied.details().path("previousStatus").asText()).isEqualTo("pending_acceptance");
    }

    @Test
    void everyTypeWeAuditHasAProducerExample() throws IOException {
        List<String> published = examples().map(ProducerContractTest::typeOf).toList();
        for (String type : List.of(
                "org.crosstenant.invitation.requested.v1", "org.crosstenant.invitation.approved.v1",
                "org.crosstenant.invitation.denied.v1", "org.crosstenant.invitation.redeemed.v1",
                "org.crosstenant.invitation.revoked.v1", "org.crosstenant.invitation.expired.v1",
                AuditEventTranslator.DECIDED, AuditEventTranslator.ACCESS_WITHDRAWN, AuditEventTranslator.SETTINGS_CHANGED,
                AuditEventTranslator.APPLICATION_REGISTERED, AuditEventTranslator.APPLICATION_REMOVED,
                AuditEventTranslator.ACCESS_ALLOWED,
                AuditEventTranslator.ACCESS_DENIED)) {
            assertThat(translator.knows(type)).isTrue();
            assertThat(published).as("a producer example for " + type).contains(type);
        }
    }

    @Test
    void tenantsFollowWhoTheEventConcerns() throws IOException {
        Map<String, List<String>> expected = Map.of(
                "org.crosstenant.invitation.requested.v1", List.of("contoso", "fabrikam"),
                AuditEventTranslator.DECIDED, List.of("contoso", "fabrikam"),
                AuditEventTranslator.ACCESS_WITHDRAWN, List.of("contoso", "fabrikam"),
                AuditEventTranslator.ACCESS_DENIED, List.of("contoso", "fabrikam"),
                AuditEventTranslator.SETTINGS_CHANGED, List.of("contoso"),
                AuditEventTranslator.APPLICATION_REGISTERED, List.of("contoso"),
                AuditEventTranslator.APPLICATION_REMOVED, List.of("contoso"));
        try (Stream<Path> examples = examples()) {
            for (Path example : examples.toList()) {
                List<String> tenants = expected.get(typeOf(example));
                if (tenants != null) {
                    assertThat(translator.translate(typeOf(example), Files.readString(example)).tenants())
                            .as(typeOf(example)).isEqualTo(tenants);
                }
            }
        }
    }
}
