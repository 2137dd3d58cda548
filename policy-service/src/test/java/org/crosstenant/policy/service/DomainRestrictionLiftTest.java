package org.crosstenant.policy.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.crosstenant.policy.model.AccessSettings;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A partner configuration can lift its tenant default's invitee-domain restriction with the explicit "every domain"
 * rule ({@code {"access": "allowed", "targets": ["all"]}}); the effective form of that is JSON null (no restriction),
 * the one form every consumer reads. Every domain blocked is refused: that is {@code whoMayInvite: "none"}.
 */
class DomainRestrictionLiftTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static AccessSettings parse(String json) throws Exception {
        return AccessSettingsParser.parse(JSON.readTree(json));
    }

    @Test
    void aPartnerConfigurationLiftsTheDefaultsDomainRestriction() throws Exception {
        AccessSettings tenantDefault = parse("""
                {"invitations": {"domains": {"access": "allowed", "targets": ["fabrikam.example"]}}}""");
        AccessSettings lifted = parse("""
                {"invitations": {"domains": {"access": "allowed", "targets": ["all"]}}}""");
        assertEquals("{\"access\":\"allowed\",\"targets\":[\"all\"]}", lifted.get(AccessSettings.DOMAINS).toString(),
                "stored as given, so the partner configuration reads back what its admin wrote");

        AccessSettings effective = AccessSettings.effective(lifted, tenantDefault);
        assertTrue(effective.get(AccessSettings.DOMAINS).isNull(), effective.toTree().toString());
        assertEquals(AccessSettings.Source.PARTNER, AccessSettings.sources(lifted, tenantDefault).get(AccessSettings.DOMAINS));

        // without the partner's rule the default's restriction stays in force
        JsonNode inherited = AccessSettings.effective(AccessSettings.EMPTY, tenantDefault).get(AccessSettings.DOMAINS);
        assertEquals("fabrikam.example", inherited.path("targets").get(0).asText());
        // the compiled decision sees no restriction either
        assertEquals(null, CompiledSettings.compile(lifted, tenantDefault, 1, 1).domains);
    }

    @Test
    void everyDomainBlockedOrAllMixedWithAListIsRefusedNamingTheField() {
        for (String body : new String[] {
                "{\"invitations\": {\"domains\": {\"access\": \"blocked\", \"targets\": [\"all\"]}}}",
                "{\"invitations\": {\"domains\": {\"access\": \"allowed\", \"targets\": [\"all\", \"x.example\"]}}}"}) {
            InvalidInputException refused = assertThrows(InvalidInputException.class, () -> parse(body), body);
            assertEquals("/invitations/domains/targets", refused.field(), body);
        }
    }
}
