package org.crosstenant.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;

/**
 * The public API's OpenAPI document (issue #7): the gateway serves it at {@code /q/openapi} without a token, equal
 * (parsed, in YAML and JSON) to the committed {@code docs/openapi.yaml}; a well-kept OpenAPI parser reads it without
 * a single validation message, so a partner can generate a client; and it has every path of docs/api.md's table.
 */
@QuarkusTest
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class OpenApiDocumentTest {

    private static final Path COMMITTED = Path.of("../docs/openapi.yaml");
    private static final Path API_MD = Path.of("../docs/api.md");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theServedDocumentIsTheCommittedOneAndNeedsNoToken() throws Exception {
        JsonNode committed = YAML.readTree(Files.readString(COMMITTED));
        String yaml = given().when().get("/q/openapi").then().statusCode(200).extract().asString();
        assertEquals(committed, YAML.readTree(yaml), "served YAML differs from docs/openapi.yaml");
        String json = given().accept("application/json").when().get("/q/openapi?format=json").then()
                .statusCode(200).extract().asString();
        assertEquals(committed, JSON.readTree(json), "served JSON differs from docs/openapi.yaml");
    }

    @Test
    void anOpenApiParserReadsItWithoutAValidationMessage() throws Exception {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(Files.readString(COMMITTED), null, options);
        assertNotNull(result.getOpenAPI(), String.valueOf(result.getMessages()));
        assertEquals(List.of(), result.getMessages());
        assertEquals("3.1.0", result.getOpenAPI().getOpenapi());
        assertNotNull(result.getOpenAPI().getComponents().getSecuritySchemes().get("tenantBearer"));
        assertNotNull(result.getOpenAPI().getComponents().getSchemas().get("Problem").getProperties().get("field"));
    }

    /** Every {@code | `METHOD /path` |} row of docs/api.md's table (any method on /apps/**) is a path and method. */
    @Test
    void everyPathOfTheApiTableIsDescribed() throws Exception {
        JsonNode paths = YAML.readTree(Files.readString(COMMITTED)).get("paths");
        Matcher rows = Pattern.compile("(?m)^\\| `([A-Z|]+|any method) ([^`?]+)[^`]*` \\|").matcher(
                Files.readString(API_MD));
        List<String> missing = new ArrayList<>();
        int rowsSeen = 0;
        while (rows.find()) {
            rowsSeen++;
            String path = rows.group(2).replace("/**", "/{path}");
            List<String> methods = rows.group(1).equals("any method")
                    ? List.of("get", "put", "post", "patch", "delete", "head", "options")
                    : List.of(rows.group(1).toLowerCase(Locale.ROOT).split("\\|"));
            for (String method : methods) {
                if (!paths.has(path) || !paths.get(path).has(method)) {
                    missing.add(method + " " + path);
                }
            }
        }
        assertTrue(rowsSeen >= 10, "docs/api.md's table was found (" + rowsSeen + " rows)");
        assertEquals(List.of(), missing, "described in docs/api.md but not in docs/openapi.yaml");
    }
}
