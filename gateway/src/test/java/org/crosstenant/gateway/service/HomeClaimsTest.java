package org.crosstenant.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jakarta.json.Json;

/** What the gateway takes from a home token's groups and amr claims: strings only, bounded, no duplicates. */
class HomeClaimsTest {

    @Test
    void stringsOfAnArrayOrASingleStringAreTaken() {
        assertEquals(List.of("engineering", "sales"), IdentityMapper.names(
                Json.createArrayBuilder().add("engineering").add("sales").add("engineering").build()));
        assertEquals(List.of("engineering"), IdentityMapper.names(Set.of("engineering")));
        assertEquals(List.of("mfa"), IdentityMapper.names(Json.createValue("mfa")));
        assertEquals(List.of("otp"), IdentityMapper.names("otp"));
        assertEquals(List.of(), IdentityMapper.names(null));
    }

    @Test
    void anythingElseIsIgnoredAndTheCountIsBounded() {
        assertEquals(List.of("ok"), IdentityMapper.names(Json.createArrayBuilder().add(1).add(true).addNull()
                .add(Json.createObjectBuilder().add("group", "x")).add(Json.createArrayBuilder().add("nested"))
                .add("").add("x".repeat(IdentityMapper.MAX_NAME + 1)).add("ok").build()));
        assertEquals(List.of(), IdentityMapper.names(Json.createValue(42)));
        assertEquals(List.of(), IdentityMapper.names(Json.createObjectBuilder().add("a", "b").build()));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < IdentityMapper.MAX_NAMES + 50; i++) {
            many.add("g" + i);
        }
        assertEquals(IdentityMapper.MAX_NAMES, IdentityMapper.names(many).size());
    }
}
