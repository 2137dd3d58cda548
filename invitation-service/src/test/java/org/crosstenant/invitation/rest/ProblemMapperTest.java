package org.crosstenant.invitation.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import jakarta.ws.rs.core.Response;

import org.hibernate.HibernateException;
import org.junit.jupiter.api.Test;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/** The database being out of reach is a 503 with Retry-After, not a 500; other failures stay 500. */
class ProblemMapperTest {

    private final ProblemMapper mapper = new ProblemMapper();

    @Test
    void poolAcquireTimeoutIs503WithRetryAfter() {
        // what the Vert.x SQL client pool fails with when no connection frees up in time, wrapped as callers see it
        Throwable timeout = new CompletionException(new HibernateException("wrapped",
                new VertxException("Timeout waiting for connection", true)));
        Response response = mapper.unexpected(timeout, null);
        assertEquals(503, response.getStatus());
        assertEquals(Problem.MEDIA_TYPE, response.getMediaType().toString());
        assertEquals(String.valueOf(ProblemMapper.RETRY_AFTER_SECONDS), response.getHeaderString("Retry-After"));
        Problem problem = (Problem) response.getEntity();
        assertEquals(503, problem.status());
        assertEquals("urn:crosstenant:problem:service-unavailable", problem.type());
    }

    @Test
    void connectionFailuresAre503() {
        for (Throwable t : new Throwable[] { new ConnectionPoolTooBusyException("queue full"),
                ClosedConnectionException.INSTANCE, new RuntimeException(new ConnectException("Connection refused")),
                new PgException("too many connections", "FATAL", "53300", "detail"),
                new PgException("terminating connection due to administrator command", "FATAL", "57P01", null) }) {
            assertTrue(ProblemMapper.databaseUnavailable(t), t.toString());
            assertEquals(503, mapper.unexpected(t, null).getStatus(), t.toString());
        }
    }

    @Test
    void otherFailuresStay500() {
        for (Throwable t : new Throwable[] { new IllegalStateException("bug"), new VertxException("other"),
                new PgException("duplicate key", "ERROR", "23505", null) }) {
            assertFalse(ProblemMapper.databaseUnavailable(t), t.toString());
            Response response = mapper.unexpected(t, null);
            assertEquals(500, response.getStatus(), t.toString());
            assertNull(response.getHeaderString("Retry-After"));
        }
    }

    /** A framework 400 wrapping a Jackson binding failure reads as malformed-json in JSON terms, naming no Java type. */
    @Test
    void aWrappedJacksonFailureIsMalformedJsonNamingNoJavaType() {
        com.fasterxml.jackson.databind.exc.MismatchedInputException binding =
                com.fasterxml.jackson.databind.exc.MismatchedInputException.from(null, java.util.ArrayList.class,
                        "Cannot deserialize value of type `java.util.ArrayList<java.lang.String>` from Object value");
        binding.prependPath(new com.fasterxml.jackson.databind.JsonMappingException.Reference(null, "targets"));
        Response response = mapper.web(new jakarta.ws.rs.WebApplicationException(binding, 400), null);
        assertEquals(400, response.getStatus());
        Problem problem = (Problem) response.getEntity();
        assertEquals("urn:crosstenant:problem:malformed-json", problem.type());
        assertEquals("/targets", problem.field());
        assertEquals("Body is not acceptable JSON of the expected shape: /targets: expected an array", problem.detail());
    }

    /**
     * The framework's 415 and 406 name @Consumes/@Produces: the detail says what to send or accept instead, and the
     * charset 415 (platform Utf8JsonBodies) keeps its own detail; both 415s share one type.
     */
    @Test
    void frameworkWordsAbout415And406AreReplacedByWhatToSend() {
        Problem unsupported = (Problem) mapper.web(new jakarta.ws.rs.NotSupportedException(
                "The content-type header value did not match the value in @Consumes"), null).getEntity();
        assertEquals(415, unsupported.status());
        assertEquals("urn:crosstenant:problem:http-415", unsupported.type());
        assertEquals("the body must be application/json; charset=utf-8", unsupported.detail());
        String charset = org.crosstenant.platform.rest.Utf8JsonBodies.violation("application/json; charset=utf-16");
        Problem wrongCharset = (Problem) mapper.web(new jakarta.ws.rs.NotSupportedException(charset), null)
                .getEntity();
        assertEquals(unsupported.type(), wrongCharset.type());
        assertEquals(charset, wrongCharset.detail());
        Problem notAcceptable = (Problem) mapper.web(new jakarta.ws.rs.NotAcceptableException(
                "The accept header value did not match the value in @Produces"), null).getEntity();
        assertEquals(406, notAcceptable.status());
        assertFalse(notAcceptable.detail().contains("@Produces"), notAcceptable.detail());
        assertTrue(notAcceptable.detail().startsWith("this resource answers application/json"));
    }
}
