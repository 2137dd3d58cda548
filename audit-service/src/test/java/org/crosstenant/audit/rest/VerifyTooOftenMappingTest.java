package org.crosstenant.audit.rest;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.Test;

/** A verification asked for too often is a 429 problem+json that says when to ask again. */
class VerifyTooOftenMappingTest {

    @Test
    void tooOftenIs429WithRetryAfter() {
        Response response = new ProblemMappers().tooOften(new VerifyTooOftenException(7), null);
        assertThat(response.getStatus()).isEqualTo(429);
        assertThat(response.getMediaType().toString()).isEqualTo(Problem.MEDIA_TYPE);
        assertThat(response.getHeaderString("Retry-After")).isEqualTo("7");
        Problem problem = (Problem) response.getEntity();
        assertThat(problem.status()).isEqualTo(429);
        assertThat(problem.detail()).contains("7 s");
    }
}
