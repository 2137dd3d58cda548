package org.crosstenant.witness.rest;

import java.io.IOException;
import java.io.InputStream;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

import org.crosstenant.witness.config.WitnessConfig;
import org.crosstenant.witness.config.WitnessProducer;
import org.crosstenant.platform.tlog.witness.AddCheckpointRequest;
import org.crosstenant.platform.tlog.witness.Witness;
import org.crosstenant.platform.tlog.witness.WitnessRefusal;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The C2SP tlog-witness HTTP interface (submission and monitoring prefix: the root): {@code POST /add-checkpoint},
 * {@code GET /<origin hash>/checkpoint}, and {@code GET /key} for the witness's vkey. Runs on worker threads (the
 * state is written with fsync under a per-log lock). Errors are RFC 9457 problem+json, except the 409 the protocol
 * defines ({@code text/x.tlog.size}). A refused {@code add-checkpoint} that is not an alarm (see
 * {@link WitnessRefusal#alarm()}) is counted in {@code crosstenant_witness_rejected_requests_total{reason}}; the
 * alarms are counted by the {@link Witness}'s listener.
 */
@Path("/")
public class WitnessResource {

    private static final String TEXT = "text/plain; charset=utf-8";

    private final Witness witness;
    private final int maxBodyBytes;
    private final MeterRegistry registry;

    /**
     * @param witness  the checking core
     * @param config   the body limit
     * @param registry where rejected requests are counted
     */
    public WitnessResource(Witness witness, WitnessConfig config, MeterRegistry registry) {
        this.witness = witness;
        this.maxBodyBytes = config.maxBodyBytes();
        this.registry = registry;
    }

    /**
     * Cosigns a checkpoint (C2SP tlog-witness add-checkpoint).
     *
     * @param body {@code old <size>\n}, proof lines, {@code \n}, the signed checkpoint; at most
     *             {@code crosstenant.witness.max-body-bytes}
     * @return 200 with the cosignature line; 409 {@code text/x.tlog.size} with the latest cosigned size; 400, 403,
     *         404, 413, 422 problem+json
     */
    @POST
    @Path("add-checkpoint")
    public Response addCheckpoint(InputStream body) throws IOException {
        try {
            byte[] bytes = body.readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                throw WitnessRefusal.of(413, "an add-checkpoint body is at most " + maxBodyBytes + " bytes");
            }
            String cosignature = witness.addCheckpoint(AddCheckpointRequest.parse(bytes));
            return Response.ok(cosignature, TEXT).build();
        } catch (WitnessRefusal refusal) {
            if (!refusal.alarm()) {
                registry.counter(WitnessProducer.REJECTED_REQUESTS, "reason", refusal.reason()).increment();
            }
            throw refusal;
        }
    }

    /** @return the witness's verifier key, {@code <name>+<key ID>+base64(0x04 || public key)} */
    @GET
    @Path("key")
    @Produces(TEXT)
    public String key() {
        return witness.verifierKey().vkey() + "\n";
    }

    /**
     * The latest checkpoint cosigned for a log (C2SP tlog-witness monitoring), with the log's signature and the
     * witness's cosignature.
     *
     * @param originHash lower-case hex SHA-256 of the log's origin
     * @return 200 the note; 404 problem+json when none was cosigned or the origin is not witnessed
     */
    @GET
    @Path("{originHash: [0-9a-f]{64}}/checkpoint")
    public Response checkpoint(@PathParam("originHash") String originHash) {
        return witness.latest(originHash).map(note -> Response.ok(note.format(), TEXT).build())
                .orElseThrow(() -> WitnessRefusal.rejected(404, "no-checkpoint",
                        "no checkpoint of that log was cosigned here", -1));
    }
}
