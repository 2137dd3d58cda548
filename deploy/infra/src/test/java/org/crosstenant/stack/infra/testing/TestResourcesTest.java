package org.crosstenant.stack.infra.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.crosstenant.stack.infra.jwt.Rs256Jwt;
import org.crosstenant.stack.infra.jwt.RsaKeys;
import org.junit.jupiter.api.Test;

/** The Quarkus test resources as a Quarkus test would drive them: init(args), start(), the returned config. */
class TestResourcesTest {

    @Test
    void kafkaIsOneBrokerPerJvmAndServesAdminRequests() throws Exception {
        Map<String, String> first = new KafkaTestResource().start();
        Map<String, String> second = new KafkaTestResource().start();
        String bootstrap = first.get("kafka.bootstrap.servers");
        assertTrue(bootstrap.startsWith("127.0.0.1:"), bootstrap);
        assertEquals(first, second, "a second test class reuses the broker");

        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(config)) {
            String topic = "created-" + UUID.randomUUID();
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            assertTrue(admin.listTopics().names().get().contains(topic));
        }
    }

    @Test
    void postgresGivesEachDatabaseArgumentItsOwnDatabaseOnOneServer() throws Exception {
        PostgresTestResource policy = new PostgresTestResource();
        policy.init(Map.of("database", "policy"));
        Map<String, String> policyConfig = policy.start();
        PostgresTestResource audit = new PostgresTestResource();
        audit.init(Map.of("database", "audit"));
        Map<String, String> auditConfig = audit.start();

        String jdbc = policyConfig.get("quarkus.datasource.jdbc.url");
        assertTrue(jdbc.matches("jdbc:postgresql://127\\.0\\.0\\.1:\\d+/policy"), jdbc);
        assertEquals(jdbc.substring("jdbc:".length()), policyConfig.get("quarkus.datasource.reactive.url"));
        assertEquals(jdbc.replace("/policy", "/audit"), auditConfig.get("quarkus.datasource.jdbc.url"));
        try (Connection c = DriverManager.getConnection(jdbc, policyConfig.get("quarkus.datasource.username"),
                policyConfig.get("quarkus.datasource.password")); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_user, current_database()")) {
            assertTrue(rs.next());
            assertEquals("crosstenant", rs.getString(1));
            assertEquals("policy", rs.getString(2));
        }
    }

    @Test
    void federatedTokensVerifyAgainstTheConfiguredPublicKey() throws Exception {
        Map<String, String> config = new FederatedIdentityTestResource().start();
        assertEquals("crosstenant-gateway", config.get("mp.jwt.verify.issuer"));
        assertEquals("crosstenant-services", config.get("mp.jwt.verify.audiences"));
        String location = config.get("mp.jwt.verify.publickey.location");
        assertTrue(location.startsWith("file:/"), location);
        PublicKey key = RsaKeys.readPublicPem(Path.of(location.substring("file:".length())));
        assertEquals(location, new FederatedIdentityTestResource().start().get("mp.jwt.verify.publickey.location"),
                "one key pair per JVM");

        String token = FederatedTokens.token("fabrikam", "bob-id", "bob@fabrikam.example", "member", "inviter");
        Map<String, Object> claims = Rs256Jwt.verify(token, key);
        assertEquals("crosstenant-gateway", claims.get("iss"));
        assertEquals("crosstenant-services", claims.get("aud"));
        assertEquals("bob-id", claims.get("home_sub"));
        assertEquals("federated:fabrikam:bob-id", claims.get("sub"), "opaque: services key on tenant + home_sub");
        assertEquals("fabrikam", claims.get("tenant"));
        assertEquals("http://127.0.0.1/realms/fabrikam", claims.get("issuer"));
        assertEquals("bob@fabrikam.example", claims.get("email"));
        assertEquals(List.of("member", "inviter"), claims.get("groups"));
        long exp = ((Number) claims.get("exp")).longValue();
        long iat = ((Number) claims.get("iat")).longValue();
        assertEquals(60, exp - iat);
        assertTrue(claims.get("jti") instanceof String);
        assertThrows(Rs256Jwt.InvalidTokenException.class,
                () -> Rs256Jwt.verify(token, key, Instant.ofEpochSecond(exp)));
        assertTrue(Files.exists(Path.of(location.substring("file:".length()))));
    }
}
