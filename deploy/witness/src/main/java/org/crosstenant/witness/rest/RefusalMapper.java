package org.crosstenant.witness.rest;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import org.crosstenant.platform.tlog.witness.WitnessRefusal;

/**
 * Answers a {@link WitnessRefusal}: 409 as the protocol says ({@code text/x.tlog.size}, the size and a newline),
 * everything else as RFC 9457 problem+json ({@code type} about:blank, {@code title}, {@code status}, {@code detail},
 * {@code reason}, and {@code alarm: true} for evidence against the log).
 */
@Provider
public class RefusalMapper implements ExceptionMapper<WitnessRefusal> {

    @Override
    public Response toResponse(WitnessRefusal refusal) {
        if (refusal.status() == 409) {
            return Response.status(409).type("text/x.tlog.size").entity(refusal.latestSize() + "\n").build();
        }
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", Response.Status.fromStatusCode(refusal.status()) == null ? "Unprocessable Content"
                : Response.Status.fromStatusCode(refusal.status()).getReasonPhrase());
        problem.put("status", refusal.status());
        problem.put("detail", refusal.getMessage());
        problem.put("reason", refusal.reason());
        if (refusal.alarm()) {
            problem.put("alarm", true);
        }
        return Response.status(refusal.status()).type("application/problem+json").entity(problem).build();
    }
}
