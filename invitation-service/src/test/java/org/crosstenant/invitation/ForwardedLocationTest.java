package org.crosstenant.invitation;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Location and links name the URL the caller used: behind the gateway (a trusted proxy on loopback) that is the
 * public URL it forwards in X-Forwarded-Proto/Host; without forwarded headers, the service's own address.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class ForwardedLocationTest {

    static final String PUBLIC = "https://collab.example.org:8443";

    @Test
    void forwardedHeadersFromLoopbackMakeTheLocationPublic() {
        Response filed = Api.remember(forwarded().contentType(ContentType.JSON)
                .body(Api.fabrikamInvitee("bob@fabrikam.example")).post(Api.BASE));
        filed.then().statusCode(202);
        String id = filed.path("id");
        assertEquals(PUBLIC + Api.BASE + "/" + id, filed.header("Location"));

        Api.decide(id, "allow");
        Api.awaitStatus(Tokens.fabrikamPartner(), id, "pending_acceptance");
        forwarded().get(Api.BASE + "/" + id).then().statusCode(200)
                .body("redeemUrl", equalTo(PUBLIC + Api.BASE + "/" + id + "/redeem"));
    }

    @Test
    void withoutForwardedHeadersTheLocationIsTheRequestedAddress() {
        Response filed = Api.file(Tokens.fabrikamPartner(), Api.fabrikamInvitee("bob@fabrikam.example"));
        filed.then().statusCode(202);
        String location = filed.header("Location");
        assertEquals("http", java.net.URI.create(location).getScheme());
        assertEquals(Api.BASE + "/" + filed.path("id"), java.net.URI.create(location).getPath());
        assertEquals(false, location.contains("collab.example.org"));
    }

    private static io.restassured.specification.RequestSpecification forwarded() {
        return Api.as(Tokens.fabrikamPartner())
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "collab.example.org:8443");
    }
}
