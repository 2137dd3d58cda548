package org.crosstenant.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.json.Json;

import org.junit.jupiter.api.Test;

/** Each marker of a client's own token ({@link ClientTokens}) on its own, and a person's token without any. */
class ClientTokensTest {

    @Test
    void theClientIdClaimOfKeycloak26MarksAClientsToken() {
        assertEquals("fabrikam-reports", ClientTokens.clientOf("fabrikam-reports", null, null));
        assertEquals("fabrikam-reports", ClientTokens.clientOf(Json.createValue("fabrikam-reports"), null, "bob"),
                "as the JWT's JSON string, and whatever the user name");
    }

    @Test
    void theLegacyClientIdClaimMarksAClientsToken() {
        assertEquals("fabrikam-reports", ClientTokens.clientOf(null, "fabrikam-reports", null));
        assertEquals("fabrikam-reports", ClientTokens.clientOf(null, Json.createValue("fabrikam-reports"), "bob"));
    }

    @Test
    void aServiceAccountUserNameMarksAClientsToken() {
        assertEquals("fabrikam-reports", ClientTokens.clientOf(null, null, "service-account-fabrikam-reports"));
        assertEquals("fabrikam-reports",
                ClientTokens.clientOf(null, null, Json.createValue("service-account-fabrikam-reports")));
        assertEquals("service-account-", ClientTokens.clientOf(null, null, "service-account-"),
                "the bare prefix is still a service account's");
    }

    @Test
    void aPersonsTokenCarriesNoMarker() {
        assertNull(ClientTokens.clientOf(null, null, "bob"));
        assertNull(ClientTokens.clientOf(null, null, null));
        assertNull(ClientTokens.clientOf(null, null, "bob-service-account-x"), "the prefix only at the start");
        assertNull(ClientTokens.clientOf(null, null, "Service-Account-x"), "Keycloak writes it in lower case");
        // blank or non-string claims are no marker
        assertNull(ClientTokens.clientOf("", " ", "bob"));
        assertNull(ClientTokens.clientOf(Json.createValue(42), Json.createArrayBuilder().add("x").build(), "bob"));
    }
}
