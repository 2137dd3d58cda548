package org.crosstenant.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.crosstenant.policy.model.Access;
import org.crosstenant.policy.model.PartnerSettings;
import org.crosstenant.policy.service.InvalidInputException;
import org.crosstenant.policy.service.PartnerSettingsParser;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Strict validation of the minimal v1 partner configuration. */
class PartnerSettingsParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void docsExampleParsesAndNormalises() throws Exception {
        PartnerSettings settings = PartnerSettingsParser.parse(JSON.readTree("""
                {"inbound":  {"collaboration": {"users": {"access": "allowed", "targets": ["all"]},
                                                "applications": {"access": "allowed", "targets": ["contoso-projects"]}}},
                 "outbound": {"collaboration": {"users": {"access": "allowed", "targets": ["Bob@Fabrikam.example", "bob@fabrikam.example"]},
                                                "applications": {"access": "allowed", "targets": ["all"]}}}}
                """));
        assertEquals(Access.ALLOWED, settings.inbound().users().access());
        assertTrue(settings.inbound().users().all());
        assertEquals(List.of("contoso-projects"), settings.inbound().applications().targets());
        assertEquals(List.of("bob@fabrikam.example"), settings.outbound().users().targets());
        @SuppressWarnings("unchecked")
        Map<String, Object> outbound = (Map<String, Object>) settings.toWire().get("outbound");
        assertTrue(outbound.toString().contains("targets=[bob@fabrikam.example]"), outbound.toString());
    }

    @Test
    void missingDirectionsAreAllowedAndMeanBlocked() throws Exception {
        PartnerSettings settings = PartnerSettingsParser.parse(JSON.readTree("{}"));
        assertNull(settings.inbound());
        assertNull(settings.outbound());
    }

    @Test
    void unknownAccessValueIsRefused() {
        InvalidInputException e = refused("""
                {"inbound": {"collaboration": {"users": {"access": "maybe", "targets": ["all"]}}}}""");
        assertEquals(List.of("inbound.collaboration.users.access must be \"allowed\" or \"blocked\", not \"maybe\""),
                e.violations());
    }

    @Test
    void emptyTargetsAreRefused() {
        InvalidInputException e = refused("""
                {"outbound": {"collaboration": {"applications": {"access": "allowed", "targets": []}}}}""");
        assertTrue(e.violations().get(0).startsWith("outbound.collaboration.applications.targets must be a non-empty array"));
    }

    @Test
    void allMixedWithAListIsRefused() {
        refused("""
                {"inbound": {"collaboration": {"users": {"access": "allowed", "targets": ["all", "bob@fabrikam.example"]}}}}""");
    }

    @Test
    void badTargetsAreRefused() {
        refused("""
                {"inbound": {"collaboration": {"users": {"access": "allowed", "targets": ["not-an-email"]}}}}""");
        refused("""
                {"inbound": {"collaboration": {"applications": {"access": "allowed", "targets": ["Bad App"]}}}}""");
        refused("""
                {"inbound": {"collaboration": {"applications": {"access": "allowed", "targets": [42]}}}}""");
    }

    @Test
    void unknownFieldsAndWrongShapesAreRefused() {
        InvalidInputException e = refused("""
                {"inbound": {"collaboration": {"users": {"access": "allowed", "targets": ["all"], "groups": []}}},
                 "directConnect": {}}""");
        assertEquals(2, e.violations().size(), e.violations().toString());
        refused("[]");
        refused("""
                {"inbound": "allowed"}""");
        refused("""
                {"inbound": {"collaboration": {"users": {"targets": ["all"]}}}}""");
    }

    private static InvalidInputException refused(String json) {
        return assertThrows(InvalidInputException.class, () -> PartnerSettingsParser.parse(JSON.readTree(json)));
    }
}
