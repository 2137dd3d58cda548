package org.crosstenant.audit;

import static io.restassured.RestAssured.given;

import java.util.List;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.junit.jupiter.api.Test;

/**
 * The other side of {@link GatewayKeySetTest}: once a key leaves the service's key set, its tokens are refused while
 * the key that stayed is accepted — the set, not the token, decides which keys are trusted.
 */
@QuarkusTest
@TestProfile(GatewayKeySetDroppedTest.CurrentOnly.class)
class GatewayKeySetDroppedTest {

    /** The key set without the {@code next} key. */
    public static class CurrentOnly implements QuarkusTestProfile {
        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return GatewayKeySetTest.keySetResources("current");
        }
    }

    @Test
    void aTokenOfAKeyRemovedFromTheSetIsRefusedAndTheRemainingKeyStillWorks() {
        given().auth().oauth2(GatewayKeySetTest.signedBy("next")).get("/api/v1/audit/records").then()
                .statusCode(401);
        given().auth().oauth2(GatewayKeySetTest.signedBy("current")).get("/api/v1/audit/records").then()
                .statusCode(200);
    }
}
