package org.crosstenant.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.crosstenant.gateway.model.AccessSettings;
import org.crosstenant.gateway.repository.LocalView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The Kafka-fed view of effective settings: v2 pairs and defaults, deletion, v1, requireMfa, ignored types. */
class ViewSettingsTest {

    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final LocalView view = new LocalView();
    private final ViewUpdater updater = new ViewUpdater(view, json);

    private static String v2(String tenant, String partner, boolean deleted, String effective) {
        return """
                {"tenant": "%s", "partner": %s, "version": 2, "defaultVersion": 3, "deleted": %s,
                 "settings": %s, "effective": %s, "changedBy": {"tenant": "%s", "subject": "a", "email": null},
                 "occurredAt": "2026-11-30T10:00:00Z"}""".formatted(tenant, partner == null ? "null" : '"' + partner
                + '"', deleted, deleted ? "null" : effective, deleted ? "null" : effective, tenant);
    }

    private static final String TRUSTING = "{\"inbound\": {\"trust\": {\"mfaAccepted\": true}}}";
    private static final String TRUSTING_DEVICES = "{\"inbound\": {\"trust\": {\"compliantDeviceAccepted\": true}}}";

    @Test
    void lookupsGoPairThenDefaultThenBuiltIn() {
        assertSame(AccessSettings.BUILT_IN, view.effective("contoso", "fabrikam"));
        assertTrue(updater.apply(ViewUpdater.SETTINGS_CHANGED_V2, v2("contoso", null, false, TRUSTING)));
        assertTrue(view.effective("contoso", "fabrikam").mfaAccepted(), "the default applies to every partner");
        assertTrue(updater.apply(ViewUpdater.SETTINGS_CHANGED_V2, v2("contoso", "fabrikam", false,
                TRUSTING_DEVICES)));
        assertFalse(view.effective("contoso", "fabrikam").mfaAccepted(), "the pair's effective is complete: no merge");
        assertTrue(view.effective("contoso", "fabrikam").compliantDeviceAccepted());
        assertTrue(view.effective("contoso", "northwind").mfaAccepted());
        assertSame(AccessSettings.BUILT_IN, view.effective("fabrikam", "contoso"), "per tenant");

        assertTrue(updater.apply(ViewUpdater.SETTINGS_CHANGED_V2, v2("contoso", "fabrikam", true, null)));
        assertTrue(view.effective("contoso", "fabrikam").mfaAccepted(), "deleted: back to the default");
        assertTrue(updater.apply(ViewUpdater.SETTINGS_CHANGED_V2, v2("contoso", "fabrikam", true, null)),
                "deleting twice is harmless");
        assertEquals(1, view.settingsCount());
    }

    @Test
    void aV1EventIsThePairsEffectiveWithMissingMembersBlocked() throws Exception {
        String v1 = Files.readString(Path.of("../policy-service/src/main/resources/events/"
                + ViewUpdater.SETTINGS_CHANGED_V1 + ".json"));
        assertTrue(updater.apply(ViewUpdater.SETTINGS_CHANGED_V1, v1));
        AccessSettings s = view.effective("contoso", "fabrikam");
        assertTrue(s.inboundCollaboration().usersAndGroups().allowed());
        assertEquals(AccessSettings.Side.BLOCKED, s.inboundDirectConnect());
        assertFalse(s.mfaAccepted());
    }

    @Test
    void requireMfaOfARegistrationIsReadAbsentMeaningFalse() {
        String base = "{\"tenant\": \"contoso\", \"application\": \"%s\", \"upstreamUrl\": \"http://a.internal\","
                + " \"version\": 1%s}";
        updater.apply(ViewUpdater.APPLICATION_REGISTERED, base.formatted("plain", ""));
        updater.apply(ViewUpdater.APPLICATION_REGISTERED, base.formatted("secure", ", \"requireMfa\": true"));
        updater.apply(ViewUpdater.APPLICATION_REGISTERED, base.formatted("off", ", \"requireMfa\": false"));
        assertFalse(view.route("contoso", "plain").orElseThrow().requireMfa());
        assertTrue(view.route("contoso", "secure").orElseThrow().requireMfa());
        assertFalse(view.route("contoso", "off").orElseThrow().requireMfa());
        assertThrows(IllegalArgumentException.class, () -> updater.apply(ViewUpdater.APPLICATION_REGISTERED,
                base.formatted("bad", ", \"requireMfa\": \"yes\"")));
    }

    /** The new invitation types (and an approval's extra members) are accepted and ignored, never dead-lettered. */
    @ParameterizedTest
    @ValueSource(strings = {"org.crosstenant.invitation.approval-requested.v1",
            "org.crosstenant.invitation.declined.v1", "org.crosstenant.invitation.approved.v1",
            "org.crosstenant.policy.decided.v1", "org.crosstenant.invitation.something-later.v9"})
    void otherTypesAreIgnored(String type) {
        assertFalse(updater.apply(type, """
                {"invitationId": "i", "resourceTenant": "contoso", "homeTenant": "fabrikam", "application": "a",
                 "inviteeEmail": "bob@fabrikam.example", "declinedBy": {"tenant": "contoso"}, "reason": "no",
                 "approvedBy": {"tenant": "contoso"}, "occurredAt": "2026-11-30T10:00:00Z"}"""));
        assertFalse(updater.apply(type, "not even json"), "an ignored type's payload is not read");
    }

    /** Every kind of malformed settings event is refused (dead-lettered) and leaves the view as it was. */
    @ParameterizedTest
    @ValueSource(strings = {"", "null", "[]", "\"x\"", "{\"tenant\": \"contoso\"",
            "{\"partner\": null, \"effective\": {}}",
            "{\"tenant\": \"\", \"partner\": null, \"effective\": {}}",
            "{\"tenant\": 7, \"partner\": null, \"effective\": {}}",
            "{\"tenant\": \"contoso\", \"partner\": 5, \"effective\": {}}",
            "{\"tenant\": \"contoso\", \"partner\": \" \", \"effective\": {}}",
            "{\"tenant\": \"contoso\", \"partner\": null}",
            "{\"tenant\": \"contoso\", \"partner\": null, \"effective\": null}",
            "{\"tenant\": \"contoso\", \"partner\": null, \"effective\": []}",
            "{\"tenant\": \"contoso\", \"partner\": null, \"deleted\": \"true\", \"effective\": {}}",
            "{\"tenant\": \"contoso\", \"partner\": null, \"deleted\": false, \"effective\": {\"inbound\": 1}}",
            "{\"tenant\": \"contoso\", \"partner\": \"fabrikam\", \"effective\": {\"inbound\": {\"trust\": {\"mfaAccepted\": \"yes\"}}}}"})
    void malformedV2EventsAreRefused(String payload) {
        updater.apply(ViewUpdater.SETTINGS_CHANGED_V2, v2("contoso", "fabrikam", false, TRUSTING));
        assertThrows(IllegalArgumentException.class, () -> updater.apply(ViewUpdater.SETTINGS_CHANGED_V2, payload));
        assertTrue(view.effective("contoso", "fabrikam").mfaAccepted(), "the view is unchanged");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"tenant\": \"contoso\", \"partner\": \"fabrikam\"}",
            "{\"tenant\": \"contoso\", \"settings\": {}}",
            "{\"tenant\": \"contoso\", \"partner\": \"fabrikam\", \"settings\": {\"inbound\": {\"collaboration\":"
                    + " {\"users\": {\"access\": \"allowed\", \"targets\": [\"BOB@fabrikam.example\"]}}}}}"})
    void malformedV1EventsAreRefused(String payload) {
        assertThrows(IllegalArgumentException.class, () -> updater.apply(ViewUpdater.SETTINGS_CHANGED_V1, payload));
        assertEquals(0, view.settingsCount());
    }
}
