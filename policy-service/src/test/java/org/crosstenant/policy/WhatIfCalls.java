package org.crosstenant.policy;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import static io.restassured.RestAssured.given;

/** The HTTP calls the what-if tests make: settings and applications through their real API, then what-if. */
final class WhatIfCalls {

    static final String WHAT_IF = "/api/v1/tenants/{tenant}/access-settings/what-if";
    static final String PARTNER = "/api/v1/tenants/{tenant}/access-settings/partners/{partner}";
    static final String DEFAULT = "/api/v1/tenants/{tenant}/access-settings/default";
    static final String APPLICATION = "/api/v1/tenants/{tenant}/applications/{app}";

    private WhatIfCalls() {
    }

    static ValidatableResponse whatIf(String tenant, Object body) {
        return given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                .body(body.toString()).when().post(WHAT_IF, tenant).then();
    }

    static void putPartner(String tenant, String partner, Object settings) {
        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                .body(settings.toString()).when().put(PARTNER, tenant, partner).then().statusCode(200);
    }

    static void putDefault(String tenant, Object settings) {
        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                .body(settings.toString()).when().put(DEFAULT, tenant).then().statusCode(200);
    }

    static void register(String tenant, String app, boolean requireMfa) {
        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                .body(new JsonObject().put("upstreamUrl", "http://apps.example/" + app).put("displayName", app)
                        .put("requireMfa", requireMfa).encode())
                .when().put(APPLICATION, tenant, app).then().statusCode(200);
    }

    /** {"access": …, "targets": […]} */
    static JsonObject rule(String access, Object... targets) {
        return new JsonObject().put("access", access).put("targets", new JsonArray(java.util.List.of(targets)));
    }

    /** One side of a mode: {"usersAndGroups": users, "applications": applications}. */
    static JsonObject side(JsonObject users, JsonObject applications) {
        return new JsonObject().put("usersAndGroups", users).put("applications", applications);
    }

    static JsonObject openInbound(String mode) {
        return new JsonObject().put("inbound", new JsonObject().put(mode, side(rule("allowed", "all"),
                rule("allowed", "all"))));
    }

    static JsonObject openOutbound(String mode) {
        return new JsonObject().put("outbound", new JsonObject().put(mode, side(rule("allowed", "all"),
                rule("allowed", "all"))));
    }

    /** A what-if body at access. */
    static JsonObject access(String direction, String partner, String mode, JsonObject user, String app) {
        return new JsonObject().put("direction", direction).put("partner", partner).put("mode", mode)
                .put("stage", "access").put("user", user).put("application", app);
    }

    /** A what-if body for a new invitation request (collaboration). */
    static JsonObject invitation(String direction, String partner, String email, String app, String filedBy) {
        return new JsonObject().put("direction", direction).put("partner", partner).put("mode", "collaboration")
                .put("stage", "invitation").put("user", new JsonObject().put("email", email))
                .put("application", app).put("filedBy", filedBy);
    }
}
