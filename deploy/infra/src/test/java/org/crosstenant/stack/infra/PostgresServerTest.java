package org.crosstenant.stack.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresServerTest {

    @TempDir
    Path dir;

    @Test
    void theCrosstenantRoleOwnsItsDatabaseAndDataSurvivesARestart() throws Exception {
        Path data = dir.resolve("pgdata");
        int port = FreePorts.pick();
        try (PostgresServer server = PostgresServer.start(data, port)) {
            System.out.printf("PostgreSQL ready in %d ms (first start, initdb)%n", server.startTime().toMillis());
            assertEquals("jdbc:postgresql://127.0.0.1:" + port + "/policy", server.jdbcUrl("policy"));
            assertEquals("postgresql://127.0.0.1:" + port + "/policy", server.reactiveUrl("policy"));
            server.ensureDatabase("policy");
            server.ensureDatabase("policy"); // idempotent
            try (Connection c = connect(server, "policy"); Statement s = c.createStatement()) {
                assertEquals("crosstenant", single(s, "SELECT current_user"));
                assertEquals("crosstenant", single(s,
                        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"));
                s.execute("CREATE TABLE kept (id int primary key)");
                s.execute("INSERT INTO kept VALUES (42)");
            }
            assertThrows(SQLException.class, () -> connect(server, "nosuchdb").close());
            assertThrows(IllegalArgumentException.class, () -> server.ensureDatabase("bad; DROP"));
        }
        assertFalse(FreePorts.inUse(port), "the server's port is released after close()");

        try (PostgresServer server = PostgresServer.start(data, port)) {
            System.out.printf("PostgreSQL ready in %d ms (restart on existing data)%n", server.startTime().toMillis());
            server.ensureDatabase("policy");
            try (Connection c = connect(server, "policy"); Statement s = c.createStatement()) {
                assertEquals("42", single(s, "SELECT id FROM kept"));
            }
        }
    }

    @Test
    void aThrowAwayServerPicksAFreePortAndDeletesItsData() throws Exception {
        PostgresServer server = PostgresServer.start(null, 0);
        try {
            assertTrue(FreePorts.inUse(server.port()));
            server.ensureDatabase("audit");
            try (Connection c = connect(server, "audit"); Statement s = c.createStatement()) {
                assertEquals("1", single(s, "SELECT 1"));
            }
            // an "external" view of the same server works with the crosstenant role's own rights
            PostgresServer external = PostgresServer.external("127.0.0.1", server.port(), "crosstenant", "crosstenant");
            external.ensureDatabase("invitation");
            external.ensureDatabase("invitation");
            try (Connection c = connect(external, "invitation")) {
                assertTrue(c.isValid(5));
            }
        } finally {
            server.close();
        }
        assertFalse(FreePorts.inUse(server.port()));
    }

    private static Connection connect(PostgresServer server, String db) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(db), server.username(), server.password());
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }
}
