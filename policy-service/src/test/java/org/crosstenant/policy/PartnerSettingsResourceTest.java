package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class PartnerSettingsResourceTest {

    static final String PATH = "/api/v1/tenants/{tenant}/access-settings/partners/{partner}";
    static final String DOCS_EXAMPLE = """
            {
              "inbound":  { "collaboration": { "users": {"access": "allowed", "targets": ["all"]},
                                               "applications": {"access": "allowed", "targets": ["contoso-projects"]} } },
              "outbound": { "collaboration": { "users": {"access": "allowed", "targets": ["bob@fabrikam.example"]},
                                               "applications": {"access": "allowed", "targets": ["all"]} } }
            }""";

    @Test
    void adminSetsReadsAndVersionsAPartnerConfiguration() {
        String tenant = TestStack.tenant("contoso");
        String partner = TestStack.tenant("fabrikam");
        String admin = TestStack.adminOf(tenant);

        given().header("Authorization", admin).when().get(PATH, tenant, partner)
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo(tenant + " has no partner configuration for " + partner));

        given().header("Authorization", admin).contentType(ContentType.JSON).body(DOCS_EXAMPLE)
                .when().put(PATH, tenant, partner)
                .then().statusCode(200)
                .body("tenant", equalTo(tenant))
                .body("partner", equalTo(partner))
                .body("version", equalTo(1))
                .body("inbound.collaboration.users.targets", contains("all"))
                .body("outbound.collaboration.users.access", equalTo("allowed"));

        given().header("Authorization", admin).contentType(ContentType.JSON).body(DOCS_EXAMPLE)
                .when().put(PATH, tenant, partner)
                .then().statusCode(200).body("version", equalTo(1));

        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"inbound\": {\"collaboration\": {\"users\": {\"access\": \"blocked\", \"targets\": [\"all\"]}}}}")
                .when().put(PATH, tenant, partner)
                .then().statusCode(200).body("version", equalTo(2));

        given().header("Authorization", admin).when().get(PATH, tenant, partner)
                .then().statusCode(200)
                .body("version", equalTo(2))
                .body("inbound.collaboration.users.access", equalTo("blocked"))
                .body("outbound", nullValue());
    }

    @Test
    void strictValidation() {
        String tenant = TestStack.tenant("contoso");
        String admin = TestStack.adminOf(tenant);
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"inbound\": {\"collaboration\": {\"users\": {\"access\": \"sometimes\", \"targets\": [\"all\"]}}}}")
                .when().put(PATH, tenant, "fabrikam")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors", hasItem(containsString("must be \"allowed\" or \"blocked\"")));
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"outbound\": {\"collaboration\": {\"applications\": {\"access\": \"allowed\", \"targets\": []}}}}")
                .when().put(PATH, tenant, "fabrikam")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors", hasItem(containsString("non-empty array")));
        given().header("Authorization", admin).contentType(ContentType.JSON).body(DOCS_EXAMPLE)
                .when().put(PATH, tenant, tenant)
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("cannot be its own partner"));
        given().header("Authorization", admin).contentType(ContentType.JSON).body("{\"inbound\": [")
                .when().put(PATH, tenant, "fabrikam")
                .then().statusCode(400).contentType("application/problem+json");
        given().header("Authorization", admin).contentType(ContentType.JSON).body(DOCS_EXAMPLE)
                .when().put(PATH, tenant, "Fabrikam!")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void onlyTheTenantsOwnAdminsMayTouchIt() {
        String tenant = TestStack.tenant("contoso");
        given().header("Authorization", TestStack.adminOf("fabrikam")).contentType(ContentType.JSON).body(DOCS_EXAMPLE)
                .when().put(PATH, tenant, "fabrikam")
                .then().statusCode(403).contentType("application/problem+json");
        given().header("Authorization", TestStack.memberOf(tenant, "collab-auditor"))
                .when().get(PATH, tenant, "fabrikam")
                .then().statusCode(403).contentType("application/problem+json");
        given().when().get(PATH, tenant, "fabrikam")
                .then().statusCode(401).contentType("application/problem+json");
    }
}
