package org.crosstenant.policy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.crosstenant.platform.model.HostileJson;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

/**
 * Issue #7's hostile JSON (duplicate members, NUL, unpaired surrogates, invalid UTF-8, deep nesting, long numbers,
 * trailing content, a body that is not an object), in every family {@link HostileJson} generates, posted to every
 * policy-service endpoint that takes a body: each is 400 problem+json {@code malformed-json} naming the JSON pointer,
 * and nothing is stored. Each endpoint first accepts the valid body the variants are made from.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class HostileJsonTest {

    static final String APPLICATION = "{\"upstreamUrl\":\"http://apps.example/projects\",\"displayName\":\"Projects\"}";
    /** Valid in the v1 and the complete settings model alike. */
    static final String SETTINGS = "{\"inbound\":{\"collaboration\":{\"applications\":"
            + "{\"access\":\"allowed\",\"targets\":[\"projects\",\"crm\"]}}}}";

    @TestHTTPResource("/")
    URL base;

    @Test
    void applicationRegistrationRefusesEveryHostileBodyAndStoresNothing() throws Exception {
        assertRefusedAndNotStored("/api/v1/tenants/%s/applications/projects", APPLICATION);
    }

    @Test
    void partnerConfigurationRefusesEveryHostileBodyAndStoresNothing() throws Exception {
        assertRefusedAndNotStored("/api/v1/tenants/%s/access-settings/partners/fabrikam", SETTINGS);
    }

    private void assertRefusedAndNotStored(String pathTemplate, String valid) throws Exception {
        String control = TestStack.tenant("contoso");
        RawUpload.Response accepted = put(pathTemplate.formatted(control), control, valid.getBytes());
        assertEquals(200, accepted.status(), "the valid body the variants are made from: " + accepted.body());

        String tenant = TestStack.tenant("contoso");
        String path = pathTemplate.formatted(tenant);
        List<String> failures = new ArrayList<>();
        List<HostileJson.Sample> samples = HostileJson.variants(valid);
        for (HostileJson.Sample sample : samples) {
            RawUpload.Response response = put(path, tenant, sample.body());
            String fault = HostileJson.fault(sample, response.status(), response.headers().get("content-type"),
                    response.body());
            if (fault != null) {
                failures.add(sample.name() + ": " + fault);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + samples.size() + " hostile bodies were not refused "
                + "as malformed-json:\n" + String.join("\n", failures));
        given().header("Authorization", TestStack.adminOf(tenant)).when().get(path).then().statusCode(404);
    }

    private RawUpload.Response put(String path, String tenant, byte[] body) throws Exception {
        return RawUpload.send(base.toURI(), "PUT", path, TestStack.adminOf(tenant), body, false);
    }
}
