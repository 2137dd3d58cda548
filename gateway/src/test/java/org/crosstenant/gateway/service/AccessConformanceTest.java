package org.crosstenant.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.crosstenant.gateway.model.AccessSettings;
import org.crosstenant.gateway.model.AccessSettings.Side;
import org.crosstenant.gateway.model.Person;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The gateway's evaluator against the shared decision table docs/conformance/access-evaluation.json (owned by the
 * policy part; policy-service's evaluator passes the same rows): every row with stage "access" must give its
 * "expected". The rules go through {@link AccessSettingsReader} as a published configuration would.
 */
class AccessConformanceTest {

    /** From the gateway module's directory (surefire's working directory) to the multi-module root. */
    static final Path TABLE = Path.of("../docs/conformance/access-evaluation.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> everyAccessRowGivesItsExpectedOutcome() throws Exception {
        JsonNode rows = JSON.readTree(Files.readString(TABLE)).get("rows");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode row : rows) {
            if ("access".equals(row.path("stage").asText())) {
                tests.add(DynamicTest.dynamicTest(row.get("name").asText(), () -> check(row)));
            }
        }
        assertTrue(tests.size() >= 20, "the table has access rows: " + tests.size());
        return tests.stream();
    }

    private static void check(JsonNode row) {
        String mode = row.get("mode").asText();
        Side inbound = side(read("inbound", mode, row.get("resourceInbound")), "inbound", mode);
        Side outbound = side(read("outbound", mode, row.get("homeOutbound")), "outbound", mode);
        JsonNode p = row.get("person");
        List<String> groups = new ArrayList<>();
        p.path("groups").forEach(g -> groups.add(g.asText()));
        Person person = new Person(p.path("email").isNull() ? null : p.get("email").asText(),
                p.path("subject").isNull() ? null : p.get("subject").asText(), groups);
        boolean allowed = AccessEvaluator.admits(inbound, outbound, person, row.get("application").asText());
        assertEquals(row.get("expected").asText(), allowed ? "allow" : "deny", row.get("name").asText());
    }

    /** The row's side as the only member of a published configuration, compiled by the gateway's reader. */
    private static AccessSettings read(String direction, String mode, JsonNode side) {
        ObjectNode configuration = JSON.createObjectNode();
        configuration.putObject(direction).set(mode, side);
        return AccessSettingsReader.read(configuration);
    }

    private static Side side(AccessSettings settings, String direction, String mode) {
        boolean collaboration = "collaboration".equals(mode);
        if ("inbound".equals(direction)) {
            return collaboration ? settings.inboundCollaboration() : settings.inboundDirectConnect();
        }
        return collaboration ? settings.outboundCollaboration() : settings.outboundDirectConnect();
    }
}
