package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.crosstenant.audit.model.AuditRecord;
import org.crosstenant.audit.service.OcsfMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue #9: the OCSF form of every kind of record has the attributes its class requires (OcsfSchema). */
class OcsfMapperTest {

    private final OcsfMapper mapper = new OcsfMapper();

    @ParameterizedTest
    @MethodSource("org.crosstenant.audit.ExampleRecords#all")
    void everyRecordMapsToAValidEventOfItsClass(ExampleRecords.Example example) {
        AuditRecord r = example.record();
        ObjectNode event = mapper.toOcsf(r);
        assertThat(OcsfSchema.violations(event)).as(event.toPrettyString()).isEmpty();
        assertThat(event.get("time").longValue()).isEqualTo(r.occurredAt().toEpochMilli());
        assertThat(event.at("/metadata/uid").asText()).isEqualTo(r.recordId().toString());
        assertThat(event.at("/metadata/version").asText()).isEqualTo(OcsfMapper.OCSF_VERSION);
        assertThat(event.at("/unmapped/leafIndex").longValue()).isEqualTo(r.leafIndex());
        assertThat(event.at("/unmapped/details")).isEqualTo(r.details());
        assertThat(event.get("status_id").intValue()).isEqualTo(switch (r.result()) {
            case "success" -> 1;
            case "failure" -> 2;
            default -> 99;
        });
    }

    @Test
    void classesFollowTheDocumentedChoice() {
        Map<String, Integer> classes = ExampleRecords.all().stream().collect(Collectors.toMap(ExampleRecords.Example::toString,
                e -> mapper.toOcsf(e.record()).get("class_uid").intValue()));
        assertThat(classes).containsEntry("org.crosstenant.gateway.access-allowed.v1.json", OcsfMapper.AUTHENTICATION)
                .containsEntry("org.crosstenant.gateway.access-denied.v1.json", OcsfMapper.AUTHENTICATION)
                .containsEntry("org.crosstenant.invitation.redeemed.v1.json", OcsfMapper.ACCOUNT_CHANGE)
                .containsEntry("org.crosstenant.invitation.revoked.v1.json", OcsfMapper.ACCOUNT_CHANGE)
                .containsEntry("org.crosstenant.invitation.requested.v1.json", OcsfMapper.API_ACTIVITY)
                .containsEntry("org.crosstenant.policy.decided.v1.json", OcsfMapper.API_ACTIVITY)
                .containsEntry("org.crosstenant.policy.access-settings-changed.v2.json", OcsfMapper.API_ACTIVITY);
    }

    @Test
    void aDeniedSignInIsAFailedLogonOfTheCallerIntoTheApplication() {
        AuditRecord denied = ExampleRecords.all().stream().filter(e -> e.toString().startsWith("org.crosstenant.gateway.access-denied"))
                .findFirst().orElseThrow().record();
        ObjectNode event = mapper.toOcsf(denied);
        assertThat(event.get("type_uid").longValue()).isEqualTo(300201);
        assertThat(event.get("status").asText()).isEqualTo("Failure");
        assertThat(event.get("status_detail").asText()).isEqualTo(denied.resultReason());
        assertThat(event.at("/user/uid").asText()).isEqualTo(denied.actor().get("subject").asText());
        assertThat(event.at("/user/org/uid").asText()).isEqualTo(denied.homeTenant());
        assertThat(event.at("/service/name").asText()).isEqualTo(denied.application());
        assertThat(event.get("is_remote").booleanValue()).isTrue();
    }

    /** The check itself can fail: each required attribute removed is reported. */
    @Test
    void theSchemaCheckRefusesAnEventWithoutARequiredAttribute() {
        for (ExampleRecords.Example example : ExampleRecords.all()) {
            ObjectNode event = mapper.toOcsf(example.record());
            int classUid = event.get("class_uid").intValue();
            List<String> required = switch (classUid) {
                case OcsfMapper.AUTHENTICATION -> List.of("metadata", "time", "type_uid", "user", "service");
                case OcsfMapper.ACCOUNT_CHANGE -> List.of("metadata", "severity_id", "user");
                default -> List.of("activity_id", "category_uid", "actor", "api", "src_endpoint");
            };
            for (String field : required) {
                ObjectNode broken = event.deepCopy();
                broken.remove(field);
                assertThat(OcsfSchema.violations(broken)).as(example + " without " + field).isNotEmpty();
            }
            ObjectNode wrongType = event.deepCopy();
            wrongType.put("type_uid", classUid * 100L + 98);
            assertThat(OcsfSchema.violations(wrongType)).isNotEmpty();
        }
    }
}
