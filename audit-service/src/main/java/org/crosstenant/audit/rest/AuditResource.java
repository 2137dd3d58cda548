package org.crosstenant.audit.rest;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import org.crosstenant.audit.config.AuditConfig;
import org.crosstenant.audit.model.ChainVerification;
import org.crosstenant.audit.model.ConsistencyProof;
import org.crosstenant.audit.model.ExportLine;
import org.crosstenant.audit.model.InclusionProof;
import org.crosstenant.audit.model.PageOfRecords;
import org.crosstenant.audit.repository.AuditRecordRepository.Filter;
import org.crosstenant.audit.service.AuditExport;
import org.crosstenant.audit.service.AuditProofs;
import org.crosstenant.audit.service.AuditQueries;
import org.crosstenant.audit.service.AuditRecordMapper;
import org.crosstenant.audit.service.AuditStream;
import org.crosstenant.audit.service.ChainVerifier;
import org.crosstenant.audit.service.CheckpointSigner;
import org.crosstenant.audit.service.Checkpoints;
import org.crosstenant.audit.service.Witnesses;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestMulti;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * Security teams read their own tenant's records. The tenant always comes from the federated token; no parameter
 * can widen what a caller sees.
 */
@Path("/api/v1/audit")
@RolesAllowed("${audit.auditor-role}")
public class AuditResource {

    static final String SSE_EVENT_NAME = "audit-record";
    static final String TEXT_UTF8 = "text/plain; charset=utf-8";
    static final String NDJSON = "application/x-ndjson";
    static final String LAST_EVENT_ID = "Last-Event-ID";
    private static final List<String> EXPORT_FORMATS = List.of("ndjson", "ocsf");

    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    /** A sequence or size as the API writes them: ASCII decimal digits, no sign, no leading zero, at most 18 digits. */
    private static final Pattern SEQUENCE = Pattern.compile("0|[1-9][0-9]{0,17}");
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

    private final AuditQueries queries;
    private final AuditStream stream;
    private final AuditRecordMapper mapper;
    private final AuditConfig config;
    private final JsonWebToken token;
    private final Checkpoints checkpoints;
    private final CheckpointSigner signer;
    private final AuditProofs proofs;
    private final Witnesses witnesses;
    private final ChainVerifier verifier;
    private final AuditExport export;

    public AuditResource(AuditQueries queries, AuditStream stream, AuditRecordMapper mapper, AuditConfig config,
            JsonWebToken token, Checkpoints checkpoints, CheckpointSigner signer, AuditProofs proofs,
            Witnesses witnesses, ChainVerifier verifier, AuditExport export) {
        this.witnesses = witnesses;
        this.verifier = verifier;
        this.export = export;
        this.checkpoints = checkpoints;
        this.signer = signer;
        this.proofs = proofs;
        this.queries = queries;
        this.stream = stream;
        this.mapper = mapper;
        this.config = config;
        this.token = token;
    }

    @GET
    @Path("records")
    @Produces(MediaType.APPLICATION_JSON)
    @WithSession
    public Uni<PageOfRecords> records(@QueryParam("after") String after, @QueryParam("limit") String limit,
            @QueryParam("action") String action, @QueryParam("invitationId") String invitationId,
            @QueryParam("type") String type, @QueryParam("tenant") String tenant) {
        String callerTenant = callerTenant();
        if (tenant != null && !tenant.equals(callerTenant)) {
            throw ProblemException.forbidden("an auditor reads only its own tenant's records");
        }
        long afterSequence = sequence("after", after, 0L);
        int pageSize = limit(limit);
        Filter filter = new Filter(word("action", action), word("invitationId", invitationId), word("type", type));
        return queries.page(callerTenant, afterSequence, pageSize, filter);
    }

    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public RestMulti<OutboundSseEvent> stream(@Context HttpHeaders headers, @QueryParam("after") String after,
            @Context Sse sse) {
        String callerTenant = callerTenant();
        // StreamResumeCheck refused a resume point past the log's last record before we got here
        Long from = resumePoint(headers.getRequestHeader(LAST_EVENT_ID), after).after();
        // null = from the head: read it before the stream's headers go out (a given point was checked by the filter;
        // checking it again here could only fail after the response started)
        Uni<Long> first = from != null ? Uni.createFrom().item(from) : stream.start(null);
        return RestMulti.fromUniResponse(first,
                start -> stream.follow(callerTenant, start).map(item -> toSse(sse, item)),
                start -> Map.of(), start -> 200);
    }

    /** Where a stream resumes, and which parameter said so ({@code after} null: from the head). */
    record ResumePoint(String field, Long after) {
    }

    /**
     * The resume point of a stream request (docs/audit.md "SSE resume").
     *
     * @param lastEventIds every {@code Last-Event-ID} header value sent (null or empty when none)
     * @param after        the {@code after} query parameter (null when absent)
     * @return the header's sequence when it is present and not blank (a browser's EventSource reconnects to the same
     *         URL, with the first {@code after}, and adds the header, which is where the client really is), else
     *         {@code after}'s, else none
     * @throws ProblemException 400 when the header is sent more than once (which position the client is at cannot be
     *         told; RFC 9110 §5.3, not a list field) or the value is not a sequence number
     */
    static ResumePoint resumePoint(List<String> lastEventIds, String after) {
        if (lastEventIds != null && lastEventIds.size() > 1) {
            throw ProblemException.badParameter(LAST_EVENT_ID, LAST_EVENT_ID + " is given more than once");
        }
        String lastEventId = lastEventIds == null || lastEventIds.isEmpty() ? null : lastEventIds.get(0);
        if (lastEventId != null && !lastEventId.isBlank()) {
            return new ResumePoint(LAST_EVENT_ID, sequence(LAST_EVENT_ID, lastEventId.strip(), null));
        }
        return new ResumePoint("after", sequence("after", after, null));
    }

    private OutboundSseEvent toSse(Sse sse, AuditStream.Item item) {
        if (item instanceof AuditStream.RecordItem recordItem) {
            return sse.newEventBuilder()
                    .name(SSE_EVENT_NAME)
                    .id(Long.toString(recordItem.record().sequence()))
                    .mediaType(MediaType.APPLICATION_JSON_TYPE)
                    .data(String.class, mapper.toJson(recordItem.record()))
                    .build();
        }
        if (item instanceof AuditStream.Connected connected) {
            // tells the client the subscription is live and from where
            return sse.newEventBuilder().comment("connected after " + connected.after()).build();
        }
        return sse.newEventBuilder().comment("keep-alive").build();
    }

    /**
     * The latest signed checkpoint (C2SP tlog-checkpoint in a signed note): the log's signature, then the witnesses'
     * cosignatures stored for it so far (docs/audit.md "Witnesses"); 404 problem before the first one.
     */
    @GET
    @Path("checkpoint")
    @Produces(TEXT_UTF8)
    public Uni<String> checkpoint() {
        callerTenant();
        return checkpoints.latest().map(latest -> latest.orElseThrow(() -> new ProblemException(404, "Not Found",
                "no checkpoint is signed yet; ask again shortly"))).flatMap(witnesses::cosignedNote);
    }

    /**
     * The public key (signed-note vkey text form) that verifies the checkpoints: public, routed without a token by
     * the gateway (docs/audit.md).
     */
    @GET
    @Path("checkpoint/key")
    @Produces(TEXT_UTF8)
    @PermitAll
    public String checkpointKey() {
        return signer.verifierKey().vkey();
    }

    /** The inclusion proof of one record of the caller's tenant in a signed checkpoint (docs/audit.md). */
    @GET
    @Path("records/{sequence}/proof")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<InclusionProof> proof(@PathParam("sequence") String sequence, @QueryParam("treeSize") String treeSize) {
        String callerTenant = callerTenant();
        long record = positive("sequence", sequence);
        Long size = treeSize == null ? null : positive("treeSize", treeSize);
        return proofs.inclusion(callerTenant, record, size);
    }

    /** The consistency proof between two signed checkpoints (docs/audit.md). */
    @GET
    @Path("consistency")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<ConsistencyProof> consistency(@QueryParam("from") String from, @QueryParam("to") String to) {
        callerTenant();
        long older = positive("from", from);
        long newer = positive("to", to);
        return proofs.consistency(older, newer);
    }

    /**
     * The caller's tenant's export of sequences {@code from..to} with the proofs an offline verifier needs
     * (docs/audit.md "Export"), streamed as NDJSON.
     *
     * @param from   first sequence, a number {@code >= 1}; default 1
     * @param to     last sequence, at most the latest checkpoint's size; default that size
     * @param format {@code ndjson} (the default: header, proofs, records; for the offline verifier) or {@code ocsf}
     *               (the tenant's records of the range as OCSF events, one per line, no proofs); anything else is a 400
     * @param since  optional: an older signed checkpoint's size, adds a consistency proof from it ({@code ndjson} only)
     * @param treeSize optional: the signed checkpoint to prove against (its size); default the latest
     * @return the NDJSON lines; a bad parameter is a 400 naming it, no checkpoint yet a 409
     */
    @GET
    @Path("export")
    @Produces(NDJSON)
    @RestStreamElementType(MediaType.APPLICATION_JSON) // each line one JSON object, ended by \n
    public Multi<Object> export(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("format") String format, @QueryParam("since") String since,
            @QueryParam("treeSize") String treeSize) {
        String callerTenant = callerTenant();
        Long first = from == null ? null : positive("from", from);
        Long last = to == null ? null : positive("to", to);
        Long older = since == null ? null : positive("since", since);
        Long size = treeSize == null ? null : positive("treeSize", treeSize);
        if (format != null && !EXPORT_FORMATS.contains(format)) {
            throw ProblemException.badParameter("format", "format must be one of " + EXPORT_FORMATS);
        }
        if ("ocsf".equals(format)) {
            if (older != null) {
                throw ProblemException.badParameter("since", "since belongs to the ndjson export (OCSF lines carry no proofs)");
            }
            return export.ocsf(callerTenant, first, last, size).map(event -> (Object) event);
        }
        return export.ndjson(callerTenant, first, last, older, size).map(line -> (Object) line);
    }

    @GET
    @Path("verify")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<ChainVerification> verify() {
        // the log is global; the answer names a broken sequence only if that record concerns the caller's tenant
        return verifier.verify(callerTenant());
    }

    private String callerTenant() {
        String tenant = token.getClaim("tenant");
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            throw ProblemException.forbidden("the token names no tenant");
        }
        return tenant;
    }

    /**
     * A required number {@code >= 1} in the one form the API writes numbers ({@link #SEQUENCE}: ASCII digits, no
     * leading zero; {@code Long.parseLong} alone would also take other scripts' digits and {@code +}); anything else
     * is a 400 naming the parameter.
     */
    private static long positive(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw ProblemException.badParameter(name, name + " is required: a number >= 1");
        }
        if (SEQUENCE.matcher(value).matches() && !"0".equals(value)) {
            return Long.parseLong(value);
        }
        throw ProblemException.badParameter(name, name + " must be a number >= 1 in decimal digits without leading zeros");
    }

    /**
     * A replay point: a sequence {@code >= 0} in plain decimal digits (no sign, no spaces, at most 18 digits), or
     * {@code absent} when the value is missing; anything else is a 400 naming the parameter.
     */
    private static Long sequence(String name, String value, Long absent) {
        if (value == null || value.isEmpty()) {
            return absent;
        }
        if (!SEQUENCE.matcher(value).matches()) {
            throw ProblemException.badParameter(name, name + " must be a sequence number >= 0 (decimal digits, no leading zero)");
        }
        return Long.parseLong(value);
    }

    private int limit(String value) {
        int max = config.query().maxLimit();
        if (value == null || value.isEmpty()) {
            return config.query().defaultLimit();
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ProblemException.badRequest("limit must be a number from 1 to " + max);
    }

    private static String word(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!WORD.matcher(value).matches()) {
            throw ProblemException.badRequest(name + " has characters that no audit record uses");
        }
        return value;
    }
}
