package org.crosstenant.audit;

import static io.restassured.RestAssured.given;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.crosstenant.stack.infra.jwt.RsaKeys;
import org.crosstenant.stack.infra.jwt.Rs256Jwt;
import org.crosstenant.stack.infra.testing.FederatedTokens;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Step 2 of a gateway key rotation (docs/operations.md): the service verifies with a JWK set holding the current and
 * the next key, so a token of either is accepted (by {@code kid}) before and after the gateway switches keys; a key
 * outside the set is still refused. {@link GatewayKeySetDroppedTest} is the last step, the old key dropped.
 */
@QuarkusTest
@TestProfile(GatewayKeySetTest.CurrentAndNext.class)
class GatewayKeySetTest {

    /** The service's key set holds both keys (the chart's {@code jwks.json}). */
    public static class CurrentAndNext implements QuarkusTestProfile {
        @Override
        public boolean disableGlobalTestResources() {
            return true; // the global resources' single PEM key would compete with the key set
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return keySetResources("current,next");
        }
    }

    static List<QuarkusTestProfile.TestResourceEntry> keySetResources(String members) {
        return List.of(new QuarkusTestProfile.TestResourceEntry(KafkaTestResource.class),
                new QuarkusTestProfile.TestResourceEntry(PostgresTestResource.class,
                        Map.of(PostgresTestResource.DATABASE_ARG, "audit")),
                new QuarkusTestProfile.TestResourceEntry(GatewayKeySetResource.class,
                        Map.of(GatewayKeySetResource.MEMBERS, members)));
    }

    /** A token of the gateway signed with key {@code name} of the resource ({@code current} or {@code next}). */
    static String signedBy(String name) {
        var config = ConfigProvider.getConfig();
        var key = RsaKeys.readPrivatePem(Path.of(config.getValue("crosstenant.test.key-set." + name + ".private",
                String.class)));
        String kid = config.getValue("crosstenant.test.key-set." + name + ".kid", String.class);
        return Rs256Jwt.sign(FederatedTokens.claims("contoso", "carol", "carol@contoso.example", "collab-auditor"),
                key, kid);
    }

    @Test
    void tokensOfTheCurrentAndOfTheNextKeyAreBothAccepted() {
        given().auth().oauth2(signedBy("current")).get("/api/v1/audit/records").then().statusCode(200);
        given().auth().oauth2(signedBy("next")).get("/api/v1/audit/records").then().statusCode(200);
    }

    @Test
    void aKeyOutsideTheSetIsStillRefused() {
        // the test key of the other tests, which this set does not hold
        given().auth().oauth2(Auditors.token("contoso")).get("/api/v1/audit/records").then().statusCode(401);
    }
}
