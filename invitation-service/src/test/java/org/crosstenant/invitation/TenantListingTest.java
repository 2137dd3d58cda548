package org.crosstenant.invitation;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.FederatedTokens;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Issue #7: a resource tenant's collab-admin lists its invitations and grants with filters and opaque cursor paging
 * ({@code {"items", "next"}}); nobody else may.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class TenantListingTest {

    @Test
    void pagesWalkEveryInvitationOnceNewestFirstAndFiltersNarrow() {
        // a resource tenant of this test's own (registered in application.properties; fresh database per test JVM)
        String tenant = "ls-walk";
        String admin = InvitationRulesTest.admin(tenant);
        String app = Api.freshApplication();
        List<String> filed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            filed.add(InvitationRulesTest.file(admin, tenant, "p" + i + "-" + tenant + "@fabrikam.example").then()
                    .statusCode(202).extract().path("id"));
        }
        String inApp = Api.file(admin, Api.body(tenant, app, "fabrikam", "bob@fabrikam.example")).then()
                .statusCode(202).extract().path("id");
        filed.add(inApp);

        List<String> seen = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            Response page = list(admin, tenant, "invitations", "limit=2" + (next == null ? "" : "&after=" + next));
            page.then().statusCode(200);
            seen.addAll(page.path("items.id"));
            next = page.path("next");
            pages++;
        } while (next != null);
        assertEquals(3, pages);
        List<String> newestFirst = new ArrayList<>(filed);
        java.util.Collections.reverse(newestFirst);
        assertEquals(newestFirst, seen, "every invitation once, newest first");

        list(admin, tenant, "invitations", "application=" + app).then().body("items.id", equalTo(List.of(inApp)))
                .body("next", nullValue());
        list(admin, tenant, "invitations", "invitee=%20BOB@Fabrikam.EXAMPLE").then()
                .body("items.id", equalTo(List.of(inApp)));
        list(admin, tenant, "invitations", "status=accepted").then().body("items", equalTo(List.of()));
        list(admin, tenant, "invitations", "status=requested&limit=200").then().body("items.size()", equalTo(6));
        list(admin, tenant, "grants", "").then().body("items", equalTo(List.of()));
    }

    @Test
    void grantsListsTheRedeemedOnly() {
        String[] pending = Api.pendingForBob();
        Api.redeem(Tokens.bob(), pending[0], pending[1]).then().statusCode(200);
        String app = Api.get(Tokens.contosoAdmin(), pending[0]).then().extract().path("application");
        list(Tokens.contosoAdmin(), "contoso", "grants", "application=" + app).then().statusCode(200)
                .body("items.invitationId", equalTo(List.of(pending[0])))
                .body("items[0].guest.subject", equalTo("bob-sub"))
                .body("items[0].invitee.email", equalTo("bob@fabrikam.example"));
        list(Tokens.contosoAdmin(), "contoso", "invitations", "application=" + app + "&status=accepted").then()
                .body("items.id", equalTo(List.of(pending[0])));
    }

    /**
     * Issue #8 bullet 6: a home tenant's admin lists its people who are guests elsewhere ({@code side=home}), across
     * resource tenants or for one ({@code partner}), with the same filters and paging; the resource side is the
     * default and is narrowed to one partner the same way.
     */
    @Test
    void homeAdminsListTheirPeopleInvitedElsewhere() {
        String home = "ls-home";
        String homeAdmin = InvitationRulesTest.admin(home);
        String inContoso = grant("contoso", "p1");
        String inNorthwind = grant("northwind", "p2");
        String pending = Api.file(Tokens.contosoAdmin(), Api.body("contoso", Api.freshApplication(), home,
                "p3@" + home + ".example")).then().statusCode(202).extract().path("id");

        list(homeAdmin, home, "grants", "side=home").then().statusCode(200)
                .body("items.invitationId", equalTo(List.of(inNorthwind, inContoso)))
                .body("items.resourceTenant", equalTo(List.of("northwind", "contoso")))
                .body("items[0].guest.subject", equalTo("p2-sub"))
                .body("next", nullValue());
        list(homeAdmin, home, "grants", "side=home&partner=contoso").then()
                .body("items.invitationId", equalTo(List.of(inContoso)));
        list(homeAdmin, home, "grants", "side=home&partner=northwind").then()
                .body("items.invitationId", equalTo(List.of(inNorthwind)));
        list(homeAdmin, home, "grants", "side=home&invitee=P1@ls-home.example").then()
                .body("items.invitationId", equalTo(List.of(inContoso)));
        Response first = list(homeAdmin, home, "grants", "side=home&limit=1");
        first.then().body("items.invitationId", equalTo(List.of(inNorthwind)));
        list(homeAdmin, home, "grants", "side=home&limit=1&after=" + first.path("next")).then()
                .body("items.invitationId", equalTo(List.of(inContoso))).body("next", nullValue());
        list(homeAdmin, home, "invitations", "side=home").then()
                .body("items.id", equalTo(List.of(pending, inNorthwind, inContoso)));
        list(homeAdmin, home, "invitations", "side=home&status=requested").then()
                .body("items.id", equalTo(List.of(pending)));
        // as a resource tenant ls-home has nothing
        list(homeAdmin, home, "grants", "").then().body("items", equalTo(List.of()));
        list(homeAdmin, home, "grants", "side=resource").then().body("items", equalTo(List.of()));

        // the resource side narrowed to one partner: contoso's guests from ls-home
        list(Tokens.contosoAdmin(), "contoso", "grants", "partner=" + home).then()
                .body("items.invitationId", equalTo(List.of(inContoso)));
        list(Tokens.contosoAdmin(), "contoso", "grants", "side=resource&partner=" + home).then()
                .body("items.invitationId", equalTo(List.of(inContoso)));
        list(Tokens.contosoAdmin(), "contoso", "invitations", "partner=" + home).then()
                .body("items.id", equalTo(List.of(pending, inContoso)));
        // only the home tenant's admin reads its side
        FilingTest.problem(list(Tokens.contosoAdmin(), home, "grants", "side=home"), 403);
        FilingTest.problem(list(FederatedTokens.token(home, "p1-sub", "p1@ls-home.example"), home, "grants",
                "side=home"), 403);
    }

    /** A grant of {@code <person>@ls-home.example} into an application of {@code resourceTenant}: its id. */
    private static String grant(String resourceTenant, String person) {
        String email = person + "@ls-home.example";
        String admin = resourceTenant.equals("contoso") ? Tokens.contosoAdmin()
                : InvitationRulesTest.admin(resourceTenant);
        String id = Api.file(admin, Api.body(resourceTenant, Api.freshApplication(), "ls-home", email)).then()
                .statusCode(202).extract().path("id");
        var decision = Api.decisionNode(id, "allow", "admitted");
        decision.put("homeTenant", "ls-home");
        decision.put("inviteeEmail", email);
        KafkaSupport.produce(KafkaSupport.DECISIONS, id, "org.crosstenant.policy.decided.v1", id,
                decision.toString(), java.util.UUID.randomUUID().toString());
        Api.awaitStatus(admin, id, "pending_acceptance");
        String code = Api.get(admin, id).then().extract().path("redemptionCode");
        Api.redeem(FederatedTokens.token("ls-home", person + "-sub", email), id, code).then().statusCode(200);
        return id;
    }

    @Test
    void onlyTheTenantsAdminMayList() {
        for (String kind : new String[] { "invitations", "grants" }) {
            FilingTest.problem(list(Tokens.fabrikamAdmin(), "contoso", kind, ""), 403);
            FilingTest.problem(list(Tokens.fabrikamPartner(), "contoso", kind, ""), 403);
            FilingTest.problem(list(Tokens.contosoPartner(), "contoso", kind, ""), 403);
            FilingTest.problem(list(FederatedTokens.token("contoso", "carl-sub", "carl@contoso.example"), "contoso",
                    kind, ""), 403);
            FilingTest.problem(list(Tokens.contosoAdmin(), "Not-A-Tenant!", kind, ""), 404);
        }
    }

    /** Every malformed query parameter is a 400 naming it. */
    @Test
    void malformedParametersAreRefusedNamingThem() {
        String admin = Tokens.contosoAdmin();
        String[][] cases = {
            { "limit=0", "limit" }, { "limit=201", "limit" }, { "limit=ten", "limit" }, { "limit=-1", "limit" },
            { "after=not-a-cursor", "after" }, { "after=%00", "after" }, { "after=MTIzOnh5eg", "after" },
            { "status=pending", "status" }, { "status=ACCEPTED", "status" },
            { "application=Bad!", "application" }, { "application=a%00b", "application" },
            { "invitee=not-an-email", "invitee" }, { "invitee=a%00@fabrikam.example", "invitee" },
            { "invitee=bob@fabr%C4%B1kam.example", "invitee" },
            { "side=both", "side" }, { "side=HOME", "side" }, { "side=%20home", "side" },
            { "partner=Bad!", "partner" }, { "partner=a%00b", "partner" }, { "partner=-x", "partner" },
        };
        for (String[] c : cases) {
            FilingTest.problem(list(admin, "contoso", "invitations", c[0]), 400).body("field", equalTo(c[1]));
        }
        for (String c : new String[] { "side=both", "partner=Bad!", "limit=0" }) {
            FilingTest.problem(list(admin, "contoso", "grants", c), 400).body("field", equalTo(c.split("=")[0]));
        }
        // an empty value is no value, as for every other parameter: the default side, any partner
        list(admin, "contoso", "grants", "side=&partner=&limit=1").then().statusCode(200);
    }

    /**
     * A parameter the listing reads, given twice, is 400 naming it (the first no longer wins silently), also with
     * the same value twice; a parameter it does not read is 400 naming it too, also one that differs from a parameter
     * it reads only in letter case (the HTTP server folds those names into one: {@code ?Side=home} answered for
     * {@code side} and {@code ?Side=home&side=resource} for the first only).
     */
    @Test
    void aRepeatedParameterIsRefusedNamingIt() {
        String admin = Tokens.contosoAdmin();
        String[][] invitations = { { "status=accepted&status=denied", "status" },
            { "application=a-app&application=b-app", "application" }, { "limit=5&limit=5", "limit" },
            { "after=x&limit=2&after=y", "after" }, { "invitee=a@fabrikam.example&invitee=b@fabrikam.example", "invitee" },
            { "limit=5&li%6Dit=6", "limit" } };
        for (String[] c : invitations) {
            FilingTest.problem(list(admin, "contoso", "invitations", c[0]), 400).body("field", equalTo(c[1]))
                    .body("detail", equalTo("query parameter " + c[1] + " is given more than once"));
        }
        for (String[] c : new String[][] { { "limit=5&limit=6", "limit" }, { "after=x&after=x", "after" },
            { "application=a-app&application=b-app", "application" }, { "side=home&side=home", "side" },
            { "partner=contoso&partner=fabrikam", "partner" } }) {
            FilingTest.problem(list(admin, "contoso", "grants", c[0]), 400).body("field", equalTo(c[1]));
        }
        for (String[] c : new String[][] { { "invitations", "limit=1&unknown=a", "unknown" },
            { "grants", "limit=1&status=accepted", "status" }, { "grants", "Side=home", "Side" },
            { "grants", "Side=home&side=resource", "Side" }, { "invitations", "side=home&SIDE=resource", "SIDE" },
            { "invitations", "Limit=1", "Limit" } }) {
            FilingTest.problem(list(admin, "contoso", c[0], c[1]), 400).body("field", equalTo(c[2]))
                    .body("detail", containsString(c[2]));
        }
    }

    private static Response list(String token, String tenant, String kind, String query) {
        return Api.as(token).urlEncodingEnabled(false)
                .get("/api/v1/tenants/" + tenant + "/" + kind + (query.isEmpty() ? "" : "?" + query));
    }
}
