package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.service.AuditHasher;
import org.junit.jupiter.api.Test;

class AuditHasherTest {

    private static AuditRecordEntity record(String details) {
        AuditRecordEntity r = new AuditRecordEntity();
        r.sequence = 7L;
        r.recordId = UUID.fromString("00000000-0000-0000-0000-000000000001");
        r.tenants = new String[] { "contoso", "fabrikam" };
        r.action = "policy.decided";
        r.outcome = "allow";
        r.actor = null;
        r.resourceTenant = "contoso";
        r.homeTenant = "fabrikam";
        r.application = "contoso-projects";
        r.invitationId = "inv-1";
        r.sourceEventId = UUID.fromString("00000000-0000-0000-0000-000000000002");
        r.sourceType = "org.crosstenant.policy.decided.v1";
        r.occurredAt = Instant.parse("2026-11-27T10:15:30.123456Z");
        r.recordedAt = Instant.parse("2026-11-27T10:15:31Z");
        r.details = details;
        r.previousHash = AuditHasher.GENESIS;
        return r;
    }

    @Test
    void theHashDoesNotDependOnHowPostgresReformatsJson() {
        // jsonb reorders keys and changes spacing; the canonical form sorts keys at every level
        String asProduced = "{\"outcome\":\"allow\",\"policyVersions\":{\"fabrikam\":1,\"contoso\":3},\"n\":1.5}";
        String asStored = "{\"n\": 1.5, \"outcome\": \"allow\", \"policyVersions\": {\"contoso\": 3, \"fabrikam\": 1}}";
        assertThat(AuditHasher.hash(record(asStored))).isEqualTo(AuditHasher.hash(record(asProduced)));
        assertThat(AuditHasher.canonical(record(asStored))).startsWith("{\"action\":\"policy.decided\",\"actor\":null,")
                .contains("\"details\":{\"n\":1.5,\"outcome\":\"allow\",\"policyVersions\":{\"contoso\":3,\"fabrikam\":1}}")
                .endsWith("\"tenants\":[\"contoso\",\"fabrikam\"]}");
    }

    @Test
    void hashingTheParsedTreeGivesTheHashOfTheStoredText() throws Exception {
        // the append path hashes the JSON trees it already holds; /verify hashes the text read back: they must agree
        // for every kind of JSON value a payload can hold
        ObjectMapper json = new ObjectMapper();
        String[] samples = {
            "{}",
            "{\"b\":[1,-2,3000000000,123456789012345678901234567890,1.5,-0.0,1e300,2.5E-7,true,false,null]}",
            "{\"z\":{\"y\":{\"x\":[{\"b\":1,\"a\":2},[],{}]}},\"a\":\"\\u00e9\\ufffd\\\"quoted\\\"\\n\"}",
            "{\"\\u0130\":\"\u00e9\",\"\":\"\",\"k\":null,\"n\":0}",
        };
        for (String sample : samples) {
            JsonNode details = json.readTree(sample);
            JsonNode actor = json.readTree("{\"tenant\":\"fabrikam\",\"subject\":\"s\",\"email\":null}");
            AuditRecordEntity stored = record(details.toString());
            stored.actor = actor.toString();
            assertThat(AuditHasher.hash(stored, actor, details)).as(sample).isEqualTo(AuditHasher.hash(stored));
        }
        AuditRecordEntity noActor = record("{\"a\":1}");
        assertThat(AuditHasher.hash(noActor, null, json.readTree(noActor.details)))
                .isEqualTo(AuditHasher.hash(noActor));
        assertThat(AuditHasher.hash(noActor, null, json.readTree("{\"a\":2}"))).isNotEqualTo(AuditHasher.hash(noActor));
    }

    @Test
    void everyFieldAndThePreviousHashChangeTheHash() {
        String details = "{\"a\":1}";
        String original = AuditHasher.hash(record(details));
        AuditRecordEntity changed = record(details);
        changed.outcome = "deny";
        assertThat(AuditHasher.hash(changed)).isNotEqualTo(original);
        changed = record(details);
        changed.previousHash = "1".repeat(64);
        assertThat(AuditHasher.hash(changed)).isNotEqualTo(original);
        changed = record("{\"a\":2}");
        assertThat(AuditHasher.hash(changed)).isNotEqualTo(original);
        changed = record(details);
        changed.tenants = new String[] { "contoso" };
        assertThat(AuditHasher.hash(changed)).isNotEqualTo(original);
        assertThat(original).matches("[0-9a-f]{64}");
    }
}
