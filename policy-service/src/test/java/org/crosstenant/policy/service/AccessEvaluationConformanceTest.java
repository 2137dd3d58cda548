package org.crosstenant.policy.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.crosstenant.policy.model.AccessSettings;
import org.crosstenant.policy.service.AccessEvaluator.Mode;
import org.crosstenant.policy.service.AccessEvaluator.Stage;
import org.crosstenant.policy.service.AccessEvaluator.Verdict;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every row of docs/conformance/access-evaluation.json (the table the gateway's evaluator passes too) through this
 * service's parser, merge over the built-in default, compiler and evaluator: one semantics, no drifting copies.
 */
class AccessEvaluationConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode table() throws Exception {
        String path = System.getProperty("crosstenant.conformance.table");
        assertNotNull(path, "surefire sets crosstenant.conformance.table (policy-service/pom.xml)");
        return JSON.readTree(new File(path));
    }

    @TestFactory
    Stream<DynamicTest> everyRowGivesItsExpectedOutcome() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode row : table().get("rows")) {
            tests.add(DynamicTest.dynamicTest(row.get("name").asText(), () -> {
                String expected = row.get("expected").asText();
                assertEquals(expected, verdict(row) == Verdict.ALLOW ? "allow" : "deny", row.toString());
            }));
        }
        return tests.stream();
    }

    @Test
    void theTableCoversBothModesBothStagesAndBothOutcomes() throws Exception {
        Set<String> seen = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (JsonNode row : table().get("rows")) {
            seen.add(row.get("mode").asText() + "/" + row.get("stage").asText() + "/" + row.get("expected").asText());
            assertTrue(names.add(row.get("name").asText()), "duplicate row name " + row.get("name"));
        }
        for (String mode : List.of("collaboration", "directConnect")) {
            for (String stage : List.of("decision", "access")) {
                for (String outcome : List.of("allow", "deny")) {
                    assertTrue(seen.contains(mode + "/" + stage + "/" + outcome), mode + "/" + stage + "/" + outcome);
                }
            }
        }
    }

    /** The row's two RULE pairs, parsed strictly as configurations would be, merged over built-in, evaluated. */
    static Verdict verdict(JsonNode row) {
        Mode mode = "collaboration".equals(row.get("mode").asText()) ? Mode.COLLABORATION : Mode.DIRECT_CONNECT;
        Stage stage = "decision".equals(row.get("stage").asText()) ? Stage.DECISION : Stage.ACCESS;
        ObjectNode resource = JSON.createObjectNode();
        resource.putObject("inbound").set(mode.wire(), row.get("resourceInbound"));
        ObjectNode home = JSON.createObjectNode();
        home.putObject("outbound").set(mode.wire(), row.get("homeOutbound"));
        CompiledSettings resourceSettings = CompiledSettings.compile(AccessSettingsParser.parse(resource),
                AccessSettings.EMPTY, 0, 1);
        CompiledSettings homeSettings = CompiledSettings.compile(AccessSettingsParser.parse(home),
                AccessSettings.EMPTY, 0, 1);
        JsonNode person = row.get("person");
        String email = person.path("email").isTextual() ? person.get("email").asText() : null;
        String subject = person.path("subject").isTextual() ? person.get("subject").asText() : null;
        List<String> groups = null;
        if (person.path("groups").isArray()) {
            groups = new ArrayList<>();
            for (JsonNode group : person.get("groups")) {
                groups.add(group.asText());
            }
        }
        if (stage == Stage.DECISION) {
            subject = null;
            groups = null;
        }
        return AccessEvaluator.evaluate(resourceSettings, homeSettings, mode, stage, email, subject, groups,
                row.get("application").asText());
    }
}
