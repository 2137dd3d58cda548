package org.crosstenant.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.crosstenant.policy.model.AccessSettings;
import org.crosstenant.policy.service.AccessEvaluator;
import org.crosstenant.policy.service.AccessSettingsParser;
import org.crosstenant.policy.service.CompiledSettings;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * V4 migrates v1 partner configurations (users with email targets) to v2 (usersAndGroups with {"user"} targets)
 * without losing anything: v1 rows written under V3, migrated, read back and decided on give the v1 decisions, and
 * enter the history with their version. Runs in a schema of its own of the test database.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class V1MigrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void v1RowsReadBackAndDecideTheSameAfterTheMigration() throws Exception {
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        String user = ConfigProvider.getConfig().getValue("quarkus.datasource.username", String.class);
        String password = ConfigProvider.getConfig().getValue("quarkus.datasource.password", String.class);
        String schema = "v1m_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        flyway(url, user, password, schema, "3").migrate();
        try (Connection db = DriverManager.getConnection(url, user, password); Statement sql = db.createStatement()) {
            sql.execute("set search_path to " + schema);
            // v1 as the v1 writer stored it: contoso lets in carol and bob by email, fabrikam blocks dave outbound
            insert(sql, "contoso", "fabrikam", 3, """
                    {"inbound": {"collaboration": {"users": {"access": "allowed",
                        "targets": ["carol@fabrikam.example", "bob@fabrikam.example"]},
                        "applications": {"access": "allowed", "targets": ["projects"]}}}}""");
            insert(sql, "fabrikam", "contoso", 1, """
                    {"outbound": {"collaboration": {"users": {"access": "blocked", "targets": ["dave@fabrikam.example"]},
                        "applications": {"access": "allowed", "targets": ["all"]}}},
                     "inbound": {"collaboration": {"users": {"access": "allowed", "targets": ["all"]}}}}""");
        }
        flyway(url, user, password, schema, "latest").migrate();

        try (Connection db = DriverManager.getConnection(url, user, password); Statement sql = db.createStatement()) {
            sql.execute("set search_path to " + schema);
            AccessSettings contoso = read(sql, "contoso", "fabrikam");
            AccessSettings fabrikam = read(sql, "fabrikam", "contoso");
            assertEquals(JSON.readTree("""
                    {"access": "allowed", "targets": [{"user": "carol@fabrikam.example"}, {"user": "bob@fabrikam.example"}]}"""),
                    contoso.get(AccessSettings.IN_COLLAB_USERS));
            assertEquals(JSON.readTree("{\"access\": \"allowed\", \"targets\": [\"all\"]}"),
                    fabrikam.get(AccessSettings.IN_COLLAB_USERS));
            assertEquals(JSON.readTree("{\"access\": \"allowed\", \"targets\": [\"projects\"]}"),
                    contoso.get(AccessSettings.IN_COLLAB_APPS), "nothing else changes");
            // also acceptable to the strict write parser: a migrated row can be PUT back unchanged
            assertEquals(contoso, AccessSettingsParser.parse(contoso.toTree()));

            CompiledSettings resource = CompiledSettings.compile(contoso, AccessSettings.EMPTY, 0, 3);
            CompiledSettings home = CompiledSettings.compile(fabrikam, AccessSettings.EMPTY, 0, 1);
            // v1: allowed only if listed inbound and not listed in fabrikam's outbound block list
            Map<String, String> v1 = Map.of("carol@fabrikam.example", "allow", "bob@fabrikam.example", "allow",
                    "dave@fabrikam.example", "deny", "erin@fabrikam.example", "deny");
            v1.forEach((email, expected) -> assertEquals(expected, AccessEvaluator.explain(
                    new AccessEvaluator.Invitation("contoso", "fabrikam", "projects", email, "fabrikam.example",
                            false, true), resource, home).outcome(), email));
            // reverse direction: contoso's missing outbound stays blocked (built-in default)
            assertEquals("deny", AccessEvaluator.explain(new AccessEvaluator.Invitation("fabrikam", "contoso",
                    "projects", "x@contoso.example", "contoso.example", false, true),
                    home, resource).outcome());

            try (ResultSet history = sql.executeQuery(
                    "select version, changed_by_subject from access_settings_history where tenant = 'contoso'")) {
                assertTrue(history.next());
                assertEquals(3, history.getLong(1));
                assertEquals("alice", history.getString(2));
            }
        }
    }

    private static Flyway flyway(String url, String user, String password, String schema, String target) {
        return Flyway.configure().dataSource(url, user, password).schemas(schema).createSchemas(true)
                .locations("classpath:db/migration").target(target).load();
    }

    private static void insert(Statement sql, String tenant, String partner, long version, String settings)
            throws Exception {
        sql.execute("insert into partner_configurations (id, tenant, partner, settings, version, updated_at, "
                + "updated_by) values ('" + UUID.randomUUID() + "', '" + tenant + "', '" + partner + "', '"
                + settings.replace("'", "''") + "'::jsonb, " + version + ", now(), 'alice')");
    }

    private static AccessSettings read(Statement sql, String tenant, String partner) throws Exception {
        try (ResultSet row = sql.executeQuery("select settings::text from partner_configurations where tenant = '"
                + tenant + "' and partner = '" + partner + "'")) {
            assertTrue(row.next());
            return AccessSettingsParser.readStored(JSON.readTree(row.getString(1)));
        }
    }
}
